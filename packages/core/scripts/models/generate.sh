#!/usr/bin/env bash
# Regenerates the tiny random-weight fixture models committed in packages/core/fixtures/models/.
#   bash packages/core/scripts/models/generate.sh [OUT_DIR]
# Needs Debian's python3-torch, python3-onnx, python3-numpy (run with /usr/bin/python3, not pyenv):
#   apt-get install -y --no-install-recommends python3-torch python3-onnx python3-numpy
# Output is byte-identical on the same torch build.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../fixtures/models}"
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, onnx' 2>/dev/null; then
  echo "$PY cannot import torch and onnx: apt-get install -y python3-torch python3-onnx python3-numpy" >&2
  exit 1
fi
gen() {
  local log
  log="$(mktemp)"
  if ! "$PY" "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
  grep bytes "$log" || true
  rm -f "$log"
}
gen "$HERE/make_bert.py"     "$OUT/tiny-bert"
gen "$HERE/make_gpt2.py"     "$OUT/tiny-gpt2"
gen "$HERE/make_swin2sr.py"  "$OUT/tiny-swin2sr"
gen "$HERE/make_clip.py"     "$OUT/tiny-clip"
gen "$HERE/make_patchtst.py" "$OUT/tiny-patchtst"
gen "$HERE/make_patchtst.py" "$OUT/tiny-patchtsmixer" --mixer
du -sh "$OUT"
