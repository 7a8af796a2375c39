#!/usr/bin/env bash
# Fine-tuning, for real. TorchSharp 0.107's native glue needs GCC 13's libstdc++ (GLIBCXX_3.4.32), which these
# Debian 12 machines lack, so under plain `dotnet test` those tests are skipped with that reason. Here they are built
# on the host and run in a Debian 13 root (.ci/debian13.sh, made once and reused); this fails if none ran, any failed
# or any was skipped. Then the fine-tuned model those tests saved must predict the same on this host, through a CLI
# that carries no LibTorch; and `catsdogs train --fine-tune`, built with LibTorch, must run in the Debian 13 root.
set -euo pipefail
cd "$(dirname "$0")/.."
project=tests/TransferLearning.ImageClassification.FineTuning.Tests
dotnet build "$project" --nologo -v q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/test.log"
status=0
DEBIAN13_BIND="$work" bash .ci/debian13.sh env FINE_TUNED_MODEL_OUT="$work" dotnet test "$project" --no-build \
  > "$log" 2>&1 || status=$?
cat "$log"
count() { grep -oE "$1: +[0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
echo "fine-tuning tests in Debian 13: $passed passed, $failed failed, $skipped skipped (exit $status)"
# Not a bare `[ ] && [ ]` list: under set -e only its last command would stop the script.
if ! { [ "$status" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; }; then
  echo "error: the fine-tuning tests did not all run and pass in Debian 13" >&2
  exit 1
fi

# The fine-tuned model, saved in Debian 13, predicts the same here (Debian 12, the CLI without LibTorch).
dotnet build samples/CatsDogs.Console --nologo -v q
[ -s "$work/predictions.json" ] || { echo "error: the fine-tuning tests wrote no predictions.json" >&2; exit 1; }
mapfile -t images < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$work/predictions.json")
dotnet samples/CatsDogs.Console/bin/Debug/net10.0/catsdogs.dll predict --model "$work/model.zip" --json --top 100 \
  "${images[@]}" > "$work/host.json"
python3 - "$work/predictions.json" "$work/host.json" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
host = {p["path"]: p for p in json.load(open(sys.argv[2]))}
worst = 0.0
for path, probabilities in expected.items():
    scores = sorted(host[path]["top"], key=lambda s: s["label"])
    assert len(scores) == len(probabilities), path
    worst = max([worst] + [abs(s["probability"] - p) for s, p in zip(scores, probabilities)])
print(f"fine-tuned model saved in Debian 13, predicted on this host: {len(expected)} images, largest difference {worst:.2g}")
sys.exit(0 if worst <= 1e-5 else 1)
PY

# catsdogs train --fine-tune, built with LibTorch, in Debian 13.
for class in Bag Coat Dress Sandal; do
  mkdir -p "$work/data/$class"
  files=(assets/fashion-mnist/train/"$class"/*.png)
  cp "${files[@]:0:24}" "$work/data/$class/"
done
dotnet publish samples/CatsDogs.Console -c Release -p:WithLibTorch=true -o "$work/cli" --nologo -v q
DEBIAN13_BIND="$work" bash .ci/debian13.sh dotnet "$work/cli/catsdogs.dll" train --data "$work/data" \
  --fine-tune --fine-tune-epochs 1 --cache "$work/cache" --out "$work/out" | tee "$work/train.log"
grep -q "Fine-tuned from ReLU315_Output_0" "$work/train.log"
python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); assert r["fineTuning"]["epochs"] == 1, r["fineTuning"]' \
  "$work/out/report.json"
echo "catsdogs train --fine-tune ran in Debian 13"
