#!/usr/bin/env bash
# Proves the packages work as packages: packs them into a local feed, checks their size and contents, builds and runs
# two apps outside the repository that reference them (train → save → load → predict; with and without the Plots
# package), installs the catsdogs tool from the same feed and trains with it in an empty folder, then checks that the
# apps, the tool and the web sample give one model's probabilities within 1e-5 and resolve one SkiaSharp.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A version of its own, so that no package cached by an earlier run stands in for this one.
suffix="check.$(date +%Y%m%d%H%M%S)"
version=$(dotnet msbuild "$repo/src/TransferLearning.ImageClassification" -getProperty:VersionPrefix)-$suffix
# awk reads to the end (no early exit that could SIGPIPE dotnet under pipefail).
rid=$(dotnet --info | awk '/^ *RID:/ && !rid {rid = $2} END {print rid}')

# The core package and its satellites, which use the core's internals and ship with it.
satellites=(Plots Hosting Datasets Shards FineTuning)
libraries=(TransferLearning.ImageClassification "${satellites[@]/#/TransferLearning.ImageClassification.}")
for library in "${libraries[@]}"; do
  dotnet pack "$repo/src/$library" -c Release -o "$work/feed" --version-suffix "$suffix" -p:ContinuousIntegrationBuild=true --nologo -v q
done
dotnet pack "$repo/samples/CatsDogs.Console" -c Release -o "$work/feed" --version-suffix "$suffix" -p:ToolPackageRuntimeIdentifiers="$rid" --nologo -v q

echo "Packages:"
for package in "$work"/feed/*.nupkg "$work"/feed/*.snupkg; do
  awk -v name="$(basename "$package")" -v size="$(stat -c %s "$package")" 'BEGIN { printf "  %-78s %8.2f MB\n", name, size / 1048576 }'
done
for library in "${libraries[@]}"; do
  package="$work/feed/$library.$version.nupkg"
  size=$(stat -c %s "$package")
  [ "$size" -le $((10 * 1024 * 1024)) ] || { echo "error: $(basename "$package") is $size bytes, over 10 MB"; exit 1; }
  # The listing is read whole before it is searched: under pipefail a grep that stops at the first match can make
  # unzip die of SIGPIPE and fail the pipeline.
  files=$(unzip -Z1 "$package")
  grep -qx 'README.md' <<< "$files" || { echo "error: $(basename "$package") has no readme"; exit 1; }
  if grep -q '\.onnx$' <<< "$files"; then echo "error: $(basename "$package") carries .onnx files"; exit 1; fi
  [ -f "${package%.nupkg}.snupkg" ] || { echo "error: no symbols package for $(basename "$package")"; exit 1; }
done
# Each satellite must ask for exactly this version of the core, not "or later".
for satellite in "${satellites[@]}"; do
  nuspec=$(unzip -p "$work/feed/TransferLearning.ImageClassification.$satellite.$version.nupkg" '*.nuspec')
  grep -qF "id=\"TransferLearning.ImageClassification\" version=\"[$version]\"" <<< "$nuspec" \
    || { echo "error: the $satellite package does not pin the core package to [$version]"; exit 1; }
done
# The tool stays at most 90 MB per platform: it carries TorchSharp's managed part and glue for --fine-tune, never
# LibTorch itself (over 200 MB; --fine-tune says how to get it).
for tool in "$work"/feed/TransferLearning.ImageClassification.Cli.*.nupkg; do
  case "$tool" in *.snupkg) continue ;; esac
  size=$(stat -c %s "$tool")
  [ "$size" -le $((90 * 1024 * 1024)) ] || { echo "error: $(basename "$tool") is $size bytes, over 90 MB"; exit 1; }
  files=$(unzip -Z1 "$tool")
  if grep -qE 'torch_cpu\.(so|dll|dylib)$' <<< "$files"; then echo "error: $(basename "$tool") carries LibTorch"; exit 1; fi
done
# Parquet.Net (and its native compression libraries) comes with the Shards package only, TorchSharp with FineTuning.
nuspec=$(unzip -p "$work/feed/TransferLearning.ImageClassification.$version.nupkg" '*.nuspec')
for heavy in Parquet TorchSharp libtorch; do
  if grep -qi "<dependency id=\"$heavy" <<< "$nuspec"; then echo "error: the core package depends on $heavy"; exit 1; fi
done

# The apps, outside the repository: no Directory.Build.props, the local feed plus nuget.org. PackageConsumer has the
# core package alone; PackageConsumer.Plots adds the Plots package (ScottPlot and its SkiaSharp).
cat > "$work/nuget.config" <<CONFIG
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG
mkdir -p "$work/data/train" "$work/data/test" "$work/run"
for class in Ankle_boot Bag; do
  mkdir -p "$work/data/train/$class" "$work/data/test/$class"
  # The first 20 and 10 files by name, taken from an array (a pipeline cut short could SIGPIPE under pipefail).
  mapfile -t train < <(find "$repo/assets/fashion-mnist/train/$class" -type f | sort)
  mapfile -t test < <(find "$repo/assets/fashion-mnist/test/$class" -type f | sort)
  cp "${train[@]:0:20}" "$work/data/train/$class/"
  cp "${test[@]:0:10}" "$work/data/test/$class/"
done
for app in PackageConsumer PackageConsumer.Plots; do
  cp -r "$repo/tests/$app" "$work/$app"
  dotnet build "$work/$app" -c Release -p:LibraryVersion="$version" --nologo -v q -o "$work/$app/out"
done
# The C# blocks of the READMEs, each a method of an app that references every package (tests/ReadmeCode).
cp -r "$repo/tests/ReadmeCode" "$work/ReadmeCode"
awk -v dir="$work/ReadmeCode" -f "$repo/tests/ReadmeCode/extract.awk" "$repo/README.md" "$repo"/src/*/README.md
dotnet build "$work/ReadmeCode" -c Release -p:LibraryVersion="$version" --nologo -v q
echo "README code: $(ls "$work/ReadmeCode"/Snippet*.cs | wc -l) C# blocks compile against the packages"
echo "App output: $(du -sm "$work/PackageConsumer/out" | cut -f1) MB ($(find "$work/PackageConsumer/out" -name '*.onnx' | wc -l) .onnx files)"
# The core package's buildTransitive file keeps native files nothing loads (SkiaSharp's Windows symbols, import
# libraries) out of the apps that reference it.
unloaded=$(find "$work/PackageConsumer/out" "$work/PackageConsumer.Plots/out" -path '*/runtimes/*' \( -name '*.pdb' -o -name '*.lib' \) | wc -l)
[ "$unloaded" -eq 0 ] || { echo "error: $unloaded native .pdb/.lib files reached the apps' output"; exit 1; }
dotnet "$work/PackageConsumer/out/PackageConsumer.dll" "$work/data/train" "$work/data/test" "$work/run"

# The tool, installed from the feed, in an empty folder.
dotnet tool install --tool-path "$work/tool" --add-source "$work/feed" TransferLearning.ImageClassification.Cli --version "$version" >/dev/null
echo "SkiaSharp resolved by the apps built from the packages:"
bash "$repo/.ci/check-skiasharp.sh" "$work/PackageConsumer/out" "$work/PackageConsumer.Plots/out" "$work/tool"
mkdir -p "$work/empty" && cd "$work/empty"
if "$work/tool/catsdogs" train >/dev/null 2>"$work/no-data.txt"; then echo "error: train without --data outside the repository succeeded"; exit 1; fi
grep -q -- "pass --data" "$work/no-data.txt" || { echo "error: train without --data said: $(cat "$work/no-data.txt")"; exit 1; }
"$work/tool/catsdogs" train --data "$work/data/train" --cache "$work/empty/cache" >/dev/null
[ -s "$work/empty/out/model.zip" ] && [ -s "$work/empty/out/report.json" ] || { echo "error: the tool wrote no model or report"; exit 1; }

# One model, one answer: PackageConsumer's model and probe images through the tool, the web sample and
# PackageConsumer.Plots, each compared with PackageConsumer's probabilities.
mapfile -t probes < "$work/run/probes.txt"
"$work/tool/catsdogs" predict --model "$work/run/model.zip" --json --top 2 "${probes[@]}" > "$work/tool.json"
for sample in CatsDogs.WebApi CatsDogs.Console; do dotnet build "$repo/samples/$sample" --nologo -v q >/dev/null; done
web_dll="$repo/samples/CatsDogs.WebApi/bin/Debug/net10.0/CatsDogs.WebApi.dll"
port=$((20000 + RANDOM % 20000))
Classifier__ModelPath="$work/run/model.zip" dotnet "$web_dll" --urls "http://127.0.0.1:$port" >"$work/web.log" 2>&1 &
web_pid=$!
trap 'kill $web_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
: > "$work/web.jsonl"
for probe in "${probes[@]}"; do
  answer=$(curl -sf -F "image=@$probe" "http://127.0.0.1:$port/predict") || { echo "error: the web sample refused $probe"; cat "$work/web.log"; exit 1; }
  printf '{"path":"%s",%s\n' "$probe" "${answer#\{}" >> "$work/web.jsonl"
done
kill $web_pid
echo "SkiaSharp resolved by the samples built in the repository:"
bash "$repo/.ci/check-skiasharp.sh" "$(dirname "$web_dll")" "$repo/samples/CatsDogs.Console/bin/Debug/net10.0"
dotnet "$work/PackageConsumer.Plots/out/PackageConsumer.Plots.dll" "$work/run" "$work/tool.json" "$work/web.jsonl" 1e-5
echo "package check: 1 passed, 0 failed"
