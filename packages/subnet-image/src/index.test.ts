import { createLogger, createRandom, SubnetkitError } from '@subnetkit/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodePng, fromBase64, type RgbImage, toBase64 } from './image.js';
import subnet, { fromResponse, toRequest } from './index.js';
import type { SrTruth } from './reward.js';
import { imageRequest, imageResponse, MAX_INPUT_BASE64 } from './schema.js';
import { randomAppearance, rotateQuarter } from './transforms.js';

const options = subnet.options?.parse({}) as {
  minSide: number;
  maxSide: number;
  photoShare: number;
  baselineCredit: number;
  maxGainDb: number;
  gainOverBestDb: number;
};

function baseContext(seed: string) {
  return {
    subnet: 'image',
    netuid: 1,
    block: 1,
    options,
    models: {} as never,
    random: createRandom(seed),
    log: createLogger({ level: 'silent' }),
    signal: new AbortController().signal,
  };
}
const validatorCtx = (seed: string) => ({ ...baseContext(seed), step: 0 });
const minerCtx = (seed: string) => ({ ...baseContext(seed), caller: { hotkey: 'v', uid: 0 } });
const rewardCtx = (seed: string, n: number, latencyMs = 100) => ({
  ...baseContext(seed),
  answers: Array.from({ length: n }, (_, uid) => ({ uid, hotkey: `m${uid}`, latencyMs, timeoutMs: 10_000 })),
});

async function png(img: RgbImage): Promise<string> {
  return toBase64(await encodePng(img));
}
function grey(width: number, height: number, v = 128): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(v), width, height };
}

describe('request schema', () => {
  it('accepts a PNG whose header matches the fields and defaults scale to 2', async () => {
    const parsed = imageRequest.parse({ image: await png(grey(32, 24)), width: 32, height: 24 });
    expect(parsed.scale).toBe(2);
  });

  it('rejects sides over 256 and under 8', async () => {
    const big = imageRequest.safeParse({ image: await png(grey(257, 8)), width: 257, height: 8 });
    expect(big.success).toBe(false);
    expect(big.error?.issues.some((i) => i.path[0] === 'width')).toBe(true);
    expect(imageRequest.safeParse({ image: await png(grey(7, 8)), width: 7, height: 8 }).success).toBe(false);
  });

  it('rejects a header that disagrees with the fields, non-PNG bytes and other scales', async () => {
    const lie = imageRequest.safeParse({ image: await png(grey(32, 24)), width: 24, height: 32 });
    expect(lie.error?.issues[0]?.message).toMatch(/32×24/);
    const jpeg = toBase64(
      await sharp(grey(32, 24).data, { raw: { width: 32, height: 24, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    expect(imageRequest.safeParse({ image: jpeg, width: 32, height: 24 }).error?.issues[0]?.message).toMatch(
      /not a PNG/,
    );
    expect(imageRequest.safeParse({ image: await png(grey(32, 24)), width: 32, height: 24, scale: 4 }).success).toBe(
      false,
    );
    expect(imageRequest.safeParse({ image: 'not base64!', width: 32, height: 24 }).success).toBe(false);
  });

  it('rejects an image string longer than the limit before decoding it', async () => {
    const padded = (await png(grey(32, 24))).padEnd(MAX_INPUT_BASE64 + 4, 'A');
    const res = imageRequest.safeParse({ image: padded, width: 32, height: 24 });
    expect(res.error?.issues.some((i) => i.code === 'too_big')).toBe(true);
  });

  it('limits answers to 512 a side', async () => {
    expect(
      imageResponse.safeParse({ output: await png(grey(64, 48)), outputWidth: 64, outputHeight: 48 }).success,
    ).toBe(true);
    expect(
      imageResponse.safeParse({ output: await png(grey(513, 8)), outputWidth: 513, outputHeight: 8 }).success,
    ).toBe(false);
  });
});

describe('challenge and reward', () => {
  it('sends a half-size PNG, keeps the original hidden, and is reproducible per seed', async () => {
    const a = await subnet.validator.challenge(validatorCtx('c1'));
    const b = await subnet.validator.challenge(validatorCtx('c1'));
    expect(a.request).toEqual(b.request);
    const req = imageRequest.parse(a.request);
    const truth = a.truth as SrTruth;
    expect([truth.width, truth.height]).toEqual([req.width * 2, req.height * 2]);
    expect(req.width % 8).toBe(0);
    expect(req.width).toBeGreaterThanOrEqual(32);
    expect(req.width).toBeLessThanOrEqual(64);
    expect(JSON.stringify(a.request)).not.toContain(truth.original.slice(40, 80));
    expect(JSON.parse(JSON.stringify(truth))).toEqual(truth); // JSON-safe for the host
  });

  it('pays the original 1 and every cheap baseline (bicubic, back-projection, lanczos) and noise nothing', async () => {
    const { request, truth } = await subnet.validator.challenge(validatorCtx('c2'));
    const req = imageRequest.parse(request);
    const t = truth as SrTruth;
    const lazy = await subnet.adversaries?.lazy?.(req, minerCtx('lazy'));
    const random = await subnet.adversaries?.random?.(req, minerCtx('random'));
    const baselines = subnet.adversaries?.baselines ?? {};
    expect(Object.keys(baselines).sort()).toEqual(['back-projection', 'bicubic', 'lanczos']);
    const cheap = await Promise.all(Object.values(baselines).map((f) => f(req, minerCtx('baseline'))));
    const responses = [
      { output: t.original, outputWidth: t.width, outputHeight: t.height },
      lazy,
      random,
      ...cheap,
    ].map((r) => imageResponse.parse(r));
    const scores = await subnet.validator.reward(responses, t, rewardCtx('r', responses.length));
    expect(scores[0]).toBe(1);
    for (const s of scores.slice(1)) expect(s).toBe(0);
    // the truth records the best baseline; back-projection beats bicubic on PSNR
    expect(t.best?.psnr).toBeGreaterThan(t.baseline.psnr);
  });

  it('turns, recolours and adds noise, so one photo crop never repeats as a challenge', () => {
    const img = { data: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 37) % 256), width: 4, height: 2 };
    const turned = rotateQuarter(img, 1);
    expect([turned.width, turned.height]).toEqual([2, 4]);
    expect(rotateQuarter(rotateQuarter(img, 2), 2)).toEqual(img);
    const a = randomAppearance(img, createRandom('a'));
    const b = randomAppearance(img, createRandom('b'));
    expect(a.data).not.toEqual(b.data);
  });

  it('scores a wrong-size answer 0 and charges slowness', async () => {
    const { request, truth } = await subnet.validator.challenge(validatorCtx('c3'));
    const req = imageRequest.parse(request);
    const t = truth as SrTruth;
    const input = { output: req.image, outputWidth: req.width, outputHeight: req.height }; // "returns the input"
    const perfect = { output: t.original, outputWidth: t.width, outputHeight: t.height };
    const fast = await subnet.validator.reward([input, perfect], t, rewardCtx('r', 2, 100));
    const slow = await subnet.validator.reward([perfect], t, rewardCtx('r', 1, 9_000));
    expect(fast).toEqual([0, 1]);
    expect(slow[0]).toBeLessThan(0.85);
    expect(slow[0]).toBeGreaterThan(0.7);
  });
});

describe('options', () => {
  it('defaults to small challenges and refuses minSide above maxSide', () => {
    expect(options).toMatchObject({ minSide: 32, maxSide: 64, photoShare: 0.75 });
    expect(subnet.options?.safeParse({ minSide: 128, maxSide: 64 }).success).toBe(false);
  });
});

describe('query helpers', () => {
  it('round-trips an image file into a request and a response back into PNG bytes', async () => {
    const jpeg = await sharp(grey(40, 24, 90).data, { raw: { width: 40, height: 24, channels: 3 } })
      .jpeg()
      .toBuffer();
    const req = await toRequest(new Uint8Array(jpeg));
    expect(imageRequest.safeParse(req).success).toBe(true);
    expect([req.width, req.height]).toEqual([40, 24]);
    const res = await subnet.adversaries?.lazy?.(imageRequest.parse(req), minerCtx('q'));
    const out = await decodeImage(fromResponse(res));
    expect([out.width, out.height]).toEqual([80, 48]);
    expect(fromBase64(req.image).length).toBeGreaterThan(0);
  });

  it('refuses oversized or undecodable input and malformed responses with stable codes', async () => {
    const big = await encodePng(grey(300, 20));
    await expect(toRequest(big)).rejects.toMatchObject({ code: 'SK_PROTOCOL_BAD_REQUEST', details: { width: 300 } });
    await expect(toRequest(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(SubnetkitError);
    expect(() => fromResponse({ output: 'AAAA', outputWidth: 16, outputHeight: 16 })).toThrow(
      expect.objectContaining({ code: 'SK_PROTOCOL_BAD_RESPONSE' }),
    );
  });
});
