import { createRandom } from '@subnetkit/core';
import { describe, expect, it } from 'vitest';
import { cropPhoto, detail, groundTruth, loadPhoto, PHOTO_PACKAGES, proceduralImage } from './challenges.js';

const spec = { minSide: 32, maxSide: 64, photoShare: 0.75 };

describe('groundTruth', () => {
  it('is reproducible for a seed and differs across seeds', async () => {
    const a = await groundTruth(createRandom('x').fork(1), spec);
    const b = await groundTruth(createRandom('x').fork(1), spec);
    const c = await groundTruth(createRandom('x').fork(2), spec);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(a.data.length === c.data.length && Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it('gives sides that are 2× a multiple of 8 within the range, with visible detail', async () => {
    const random = createRandom('sizes');
    for (let i = 0; i < 8; i++) {
      const img = await groundTruth(random.fork(i), spec);
      for (const side of [img.width, img.height]) {
        expect(side % 16).toBe(0);
        expect(side).toBeGreaterThanOrEqual(64);
        expect(side).toBeLessThanOrEqual(128);
      }
      expect(img.data.length).toBe(img.width * img.height * 3);
      expect(detail(img)).toBeGreaterThan(1);
    }
  });

  it('uses only procedural images when photoShare is 0', async () => {
    const r1 = createRandom('p');
    const img = await groundTruth(r1, { ...spec, photoShare: 0 }, [loadPhoto(PHOTO_PACKAGES[0])]);
    // the same draws without photos: side, side, the photo coin, then the procedural image itself
    const r2 = createRandom('p');
    r2.next();
    r2.next();
    r2.next();
    expect(Buffer.from(img.data).equals(Buffer.from(proceduralImage(r2, img.width, img.height).data))).toBe(true);
  });
});

describe('cropPhoto', () => {
  it('loads every shipped photograph and cuts crops of the asked size', async () => {
    for (const pkg of PHOTO_PACKAGES) {
      const crop = await cropPhoto(loadPhoto(pkg), createRandom(pkg), 40, 24);
      expect([crop.width, crop.height, crop.data.length]).toEqual([40, 24, 40 * 24 * 3]);
    }
  });
});

describe('proceduralImage', () => {
  it('is deterministic and not flat', () => {
    const a = proceduralImage(createRandom(5), 48, 32);
    const b = proceduralImage(createRandom(5), 48, 32);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(detail(a)).toBeGreaterThan(0);
  });
});
