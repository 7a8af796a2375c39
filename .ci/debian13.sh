#!/usr/bin/env bash
# Runs one command inside a Debian 13 (trixie) root on a Debian 12 host, with the host's .NET SDK, the current
# folder and the NuGet package folder mounted at the same paths. For native libraries that need a newer libstdc++
# than Debian 12's (TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32; Debian 12 has 3.4.30).
#
#   .ci/debian13.sh dotnet test tests/Some.Tests --no-build
#
# Needs root (debootstrap, chroot, mount). The root is made once (about 30 s, about 250 MB) and reused:
# DEBIAN13_ROOT (default /var/cache/debian13-root). DEBIAN13_BIND: more host folders to mount at the same paths,
# separated by ':'. Restore and build on the host first (no NuGet config is mounted), then run with --no-build.
# Everything mounted is unmounted on exit.
set -euo pipefail
root=${DEBIAN13_ROOT:-/var/cache/debian13-root}
# The Debian mirror the host's apt already uses (DEBIAN13_MIRROR to choose another).
mirror=${DEBIAN13_MIRROR:-}
if [ -z "$mirror" ]; then
  sources=$(cat /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)
  mirror=$(awk '/^URIs:/ && !m {m = $2} $1 == "deb" && $2 !~ /security/ && !m {m = $2} END {print m}' <<<"$sources")
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in the host's apt sources; set DEBIAN13_MIRROR" >&2; exit 1; }
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
work=$(pwd -P)
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
mkdir -p "$nuget"; nuget=$(cd "$nuget" && pwd -P)

if [ ! -f "$root/.ready" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
  rm -rf "$root"
  debootstrap --variant=minbase trixie "$root" "$mirror" >/dev/null
  chroot "$root" apt-get update -qq
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libicu76 ca-certificates >/dev/null
  chroot "$root" apt-get clean
  touch "$root/.ready"
fi

mounted=()
cleanup() { for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"; done; }
trap cleanup EXIT
bind() { mkdir -p "$root$2"; mount --bind "$1" "$root$2"; mounted+=("$root$2"); }
mkdir -p "$root/proc"; mount -t proc proc "$root/proc"; mounted+=("$root/proc")
bind /dev /dev
bind "$dotnet_dir" "$dotnet_dir"
bind "$work" "$work"
bind "$nuget" "$nuget"
IFS=: read -r -a extra <<<"${DEBIAN13_BIND:-}"
for dir in "${extra[@]}"; do [ -n "$dir" ] && [ -d "$dir" ] && bind "$(cd "$dir" && pwd -P)" "$(cd "$dir" && pwd -P)"; done
# A sibling shared/ folder, where there is one, as CI lays it.
[ -d "$work/../shared" ] && bind "$(cd "$work/../shared" && pwd -P)" "$(cd "$work/../shared" && pwd -P)"

chroot "$root" /usr/bin/env -i PATH="$dotnet_dir:/usr/bin:/bin" HOME=/root NUGET_PACKAGES="$nuget" \
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_ROOT="$dotnet_dir" CI="${CI:-}" \
  /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$work" "$@"
