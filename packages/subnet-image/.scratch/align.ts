import sharp from 'sharp';
import { resizeRgb } from '../src/image.js';
// 1D ramp test: 8x1 image ramp, downscale to 4
const w = 8, h = 2;
const d = new Uint8Array(w*h*3);
for (let y=0;y<h;y++) for (let x=0;x<w;x++) for (let c=0;c<3;c++) d[(y*w+x)*3+c] = x*30;
const img = {data:d,width:w,height:h};
for (const k of ['cubic','linear','nearest','lanczos3'] as const) {
  const dn = await resizeRgb(img, 4, 1, k);
  console.log('down', k, Array.from(dn.data.filter((_,i)=>i%3==0)));
}
const lo = {data: new Uint8Array([0,0,0, 100,100,100, 200,200,200, 250,250,250]), width:4, height:1};
for (const k of ['cubic','linear','nearest','lanczos3'] as const) {
  const up = await resizeRgb(lo, 8, 2, k);
  console.log('up', k, Array.from(up.data.filter((_,i)=>i%3==0)).slice(0,8));
}
