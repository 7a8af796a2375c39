#!/usr/bin/env bash
# Proves the packages work as packages: packs them into a local feed, checks their size and contents, builds and runs
# an app outside the repository that references them (train → save → load → predict), then installs the catsdogs
# tool from the same feed and trains with it in an empty folder. Prints the sizes it measured.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A version of its own, so that no package cached by an earlier run stands in for this one.
suffix="check.$(date +%Y%m%d%H%M%S)"
version=$(dotnet msbuild "$repo/src/TransferLearning.ImageClassification" -getProperty:VersionPrefix)-$suffix
rid=$(dotnet --info | awk '/^ *RID:/ {print $2; exit}')

for project in src/TransferLearning.ImageClassification src/TransferLearning.ImageClassification.Plots src/TransferLearning.ImageClassification.Hosting; do
  dotnet pack "$repo/$project" -c Release -o "$work/feed" --version-suffix "$suffix" -p:ContinuousIntegrationBuild=true --nologo -v q
done
dotnet pack "$repo/samples/CatsDogs.Console" -c Release -o "$work/feed" --version-suffix "$suffix" -p:ToolPackageRuntimeIdentifiers="$rid" --nologo -v q

echo "Packages:"
for package in "$work"/feed/*.nupkg "$work"/feed/*.snupkg; do
  awk -v name="$(basename "$package")" -v size="$(stat -c %s "$package")" 'BEGIN { printf "  %-78s %8.2f MB\n", name, size / 1048576 }'
done
for package in "$work"/feed/TransferLearning.ImageClassification.$version.nupkg "$work"/feed/TransferLearning.ImageClassification.Plots.$version.nupkg \
               "$work"/feed/TransferLearning.ImageClassification.Hosting.$version.nupkg; do
  size=$(stat -c %s "$package")
  [ "$size" -le $((10 * 1024 * 1024)) ] || { echo "error: $(basename "$package") is $size bytes, over 10 MB"; exit 1; }
  unzip -l "$package" | grep -q ' README.md$' || { echo "error: $(basename "$package") has no readme"; exit 1; }
  if unzip -l "$package" | grep -q '\.onnx$'; then echo "error: $(basename "$package") carries .onnx files"; exit 1; fi
  [ -f "${package%.nupkg}.snupkg" ] || { echo "error: no symbols package for $(basename "$package")"; exit 1; }
done

# The app, outside the repository: no Directory.Build.props, the local feed plus nuget.org.
cp -r "$repo/tests/PackageConsumer" "$work/app"
cat > "$work/app/nuget.config" <<CONFIG
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
  </packageSources>
</configuration>
CONFIG
mkdir -p "$work/data/train" "$work/data/test" "$work/run"
for class in Ankle_boot Bag; do
  mkdir -p "$work/data/train/$class" "$work/data/test/$class"
  ls "$repo/assets/fashion-mnist/train/$class" | sort | head -20 | xargs -I{} cp "$repo/assets/fashion-mnist/train/$class/{}" "$work/data/train/$class/"
  ls "$repo/assets/fashion-mnist/test/$class" | sort | head -10 | xargs -I{} cp "$repo/assets/fashion-mnist/test/$class/{}" "$work/data/test/$class/"
done
dotnet build "$work/app" -c Release -p:LibraryVersion="$version" --nologo -v q -o "$work/app/out"
echo "App output: $(du -sm "$work/app/out" | cut -f1) MB ($(find "$work/app/out" -name '*.onnx' | wc -l) .onnx files)"
dotnet "$work/app/out/PackageConsumer.dll" "$work/data/train" "$work/data/test" "$work/run"

# The tool, installed from the feed, in an empty folder.
dotnet tool install --tool-path "$work/tool" --add-source "$work/feed" TransferLearning.ImageClassification.Cli --version "$version" >/dev/null
mkdir -p "$work/empty" && cd "$work/empty"
if "$work/tool/catsdogs" train >/dev/null 2>"$work/no-data.txt"; then echo "error: train without --data outside the repository succeeded"; exit 1; fi
grep -q -- "pass --data" "$work/no-data.txt" || { echo "error: train without --data said: $(cat "$work/no-data.txt")"; exit 1; }
"$work/tool/catsdogs" train --data "$work/data/train" --cache "$work/empty/cache" >/dev/null
[ -s "$work/empty/out/model.zip" ] && [ -s "$work/empty/out/report.json" ] || { echo "error: the tool wrote no model or report"; exit 1; }
"$work/tool/catsdogs" predict --model "$work/empty/out/model.zip" "$(ls "$work"/data/test/Bag/* | head -1)"
echo "package check: 1 passed, 0 failed"
