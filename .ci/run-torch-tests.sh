#!/usr/bin/env bash
# The fine-tuning tests, for real. TorchSharp 0.107's native glue needs GCC 13's libstdc++ (GLIBCXX_3.4.32), which
# these Debian 12 machines lack, so under plain `dotnet test` those tests are skipped with that reason. Here they are
# built on the host and run in a Debian 13 root (.ci/debian13.sh, made once and reused); this fails if none ran, any
# failed or any was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
project=tests/TransferLearning.ImageClassification.FineTuning.Tests
dotnet build "$project" --nologo -v q
log=$(mktemp)
status=0
bash .ci/debian13.sh dotnet test "$project" --no-build > "$log" 2>&1 || status=$?
cat "$log"
count() { grep -oE "$1: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
echo "fine-tuning tests in Debian 13: $passed passed, $failed failed, $skipped skipped (exit $status)"
[ "$status" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
