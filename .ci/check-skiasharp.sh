#!/usr/bin/env bash
# One SkiaSharp: every app given (a folder holding its *.deps.json) must resolve exactly the version that
# Directory.Build.props pins. SkiaSharp decodes every image, so two versions could mean two answers from one model.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
expected=$(sed -n 's:.*<SkiaSharpVersion>\(.*\)</SkiaSharpVersion>.*:\1:p' "$repo/Directory.Build.props")
status=0
for folder in "$@"; do
  found=0
  while IFS= read -r deps; do
    found=1
    versions=$(grep -oE '"SkiaSharp(\.[A-Za-z.]+)?/[0-9][^"]*"' "$deps" | sed -E 's:^"[^/]*/([^"]*)"$:\1:' | sort -u | tr '\n' ' ')
    if [ "$versions" != "$expected " ]; then
      echo "error: $(basename "$deps") resolves SkiaSharp ${versions:-none}; the repository pins $expected"
      status=1
    else
      echo "  $(basename "$deps"): SkiaSharp $expected"
    fi
  done < <(find "$folder" -name '*.deps.json' -not -path '*/ref/*')
  [ "$found" -eq 1 ] || { echo "error: no *.deps.json under $folder"; status=1; }
done
exit $status
