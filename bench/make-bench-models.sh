#!/usr/bin/env bash
# Generates the mid-size random-weight models bench/models.bench.ts measures (not committed):
#   .tmp/bench-models/mid-bert  (4 layers, hidden 384, MiniLM-sized)   feature-extraction
#   .tmp/bench-models/mid-gpt2  (4 layers, hidden 384)                 text-generation
# Needs Debian's python3-torch, python3-onnx, python3-numpy (/usr/bin/python3).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/.tmp/bench-models}"
GEN="$ROOT/packages/core/scripts/models"
/usr/bin/python3 "$GEN/make_bert.py" "$OUT/mid-bert" --mid | grep bytes
/usr/bin/python3 "$GEN/make_gpt2.py" "$OUT/mid-gpt2" --mid | grep bytes
