/**
 * Writes LR/HR training pairs for the tiny SR model, made by the very code the validator uses
 * (photo crops with flips and scales, procedural images, the bicubic ×1/2 degradation), so the
 * model learns the challenge distribution. The photos passed here must NOT be the ones challenges
 * use (PHOTO_PACKAGES): those are the held-out set the model test measures on.
 *
 * Usage: [SEED=label] npx tsx scripts/make-training-data.ts OUT.bin COUNT photo.jpg [photo.jpg…]
 * (use a different SEED for a validation set, or its procedural images repeat the training ones)
 * Output: int32 header [count, hrSize] then, per pair, HR (hrSize² × 3) and LR ((hrSize/2)² × 3) bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRandom } from '@subnetkit/core';
import { cropPhoto, detail, downscale, proceduralImage } from '../src/challenges.js';

const HR = 64;
const [out, countArg, ...photoPaths] = process.argv.slice(2);
if (!out || !countArg || photoPaths.length === 0) {
  process.stderr.write('usage: make-training-data.ts OUT.bin COUNT photo.jpg [photo.jpg…]\n');
  process.exit(2);
}
const count = Number(countArg);
const photos = photoPaths.map((p) => readFileSync(p));
const random = createRandom(`subnet-image/${process.env.SEED ?? 'training-data'}`);
const chunks: Uint8Array[] = [new Uint8Array(new Int32Array([count, HR]).buffer)];
for (let i = 0; i < count; i++) {
  const r = random.fork(i);
  let hr = r.next() < 0.75 ? await cropPhoto(r.pick(photos), r, HR, HR) : proceduralImage(r, HR, HR);
  for (let retry = 0; retry < 3 && detail(hr) < 4; retry++) hr = await cropPhoto(r.pick(photos), r, HR, HR);
  chunks.push(hr.data, downscale(hr).data);
  if (i % 500 === 0) process.stderr.write(`${i}/${count}\n`);
}
writeFileSync(out, Buffer.concat(chunks));
process.stderr.write(`wrote ${count} pairs to ${out}\n`);
