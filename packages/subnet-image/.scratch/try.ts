import { createRandom } from '../../core/src/util/random.js';
import { groundTruth, downscale, bicubicUpscale } from '../src/challenges.js';
import { measure, fidelityScore } from '../src/reward.js';
import { resizeRgb, encodePng } from '../src/image.js';
import { writeFileSync } from 'node:fs';
const r = createRandom(1);
const t0 = performance.now();
const rows: string[] = [];
for (let i = 0; i < 12; i++) {
  const hr = await groundTruth(r.fork(i), { minSide: 32, maxSide: 64, photoShare: 0.75 });
  const lr = downscale(hr);
  const bic = bicubicUpscale(lr);
  const base = measure(bic, hr);
  const lin = measure(await resizeRgb(lr, hr.width, hr.height, 'linear'), hr);
  const nn = measure(await resizeRgb(lr, hr.width, hr.height, 'nearest'), hr);
  const l3 = measure(await resizeRgb(lr, hr.width, hr.height, 'lanczos3'), hr);
  rows.push(`${hr.width}x${hr.height} bic ${base.psnr.toFixed(2)}/${base.ssim.toFixed(3)} lin ${lin.psnr.toFixed(2)}/${lin.ssim.toFixed(3)} nn ${nn.psnr.toFixed(2)}/${nn.ssim.toFixed(3)} l3 ${l3.psnr.toFixed(2)} score nn ${fidelityScore(nn, base).toFixed(3)} lin ${fidelityScore(lin, base).toFixed(3)} l3 ${fidelityScore(l3,base).toFixed(3)}`);
  if (i < 4) writeFileSync(`packages/subnet-image/.scratch/hr${i}.png`, await encodePng(hr));
}
console.log(rows.join('\n'), '\nms', performance.now() - t0);
