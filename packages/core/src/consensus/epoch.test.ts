import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEpoch } from './epoch.js';
import { syntheticEpochInput } from './synthetic.js';
import { DEFAULT_EPOCH_HYPERPARAMETERS, type EpochInput, type EpochOutput, type SparseRowU16 } from './types.js';

/** A random small subnet: distinct stakes (so permit ties cannot depend on uid order), sorted rows. */
const subnetArb = fc
  .record({
    n: fc.integer({ min: 2, max: 10 }),
    seed: fc.integer(),
    yuma3: fc.boolean(),
    liquidAlpha: fc.boolean(),
    bondsPenalty: fc.constantFrom(0, 32768, 65535),
    kappa: fc.constantFrom(0, 32767, 65535),
    maxValidators: fc.integer({ min: 1, max: 10 }),
  })
  .chain((p) =>
    fc.record({
      p: fc.constant(p),
      // stakes far apart, so no two normalise to the same I32F32 (the permit tie rule is by uid)
      stake: fc
        .uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: p.n, maxLength: p.n })
        .map((ks) => ks.map((k) => BigInt(k) * 1_000_000_000n)),
      weights: fc.array(
        fc.array(fc.tuple(fc.nat(p.n - 1), fc.nat(65535)), { maxLength: p.n }).map((row) => {
          const seen = new Set<number>();
          return row.filter(([j]) => !seen.has(j) && seen.add(j) !== undefined).sort((a, b) => a[0] - b[0]);
        }),
        { minLength: p.n, maxLength: p.n },
      ),
      bonds: fc.array(
        fc.array(fc.tuple(fc.nat(p.n - 1), fc.nat(65535)), { maxLength: p.n }).map((row) => {
          const seen = new Set<number>();
          return row.filter(([j]) => !seen.has(j) && seen.add(j) !== undefined).sort((a, b) => a[0] - b[0]);
        }),
        { minLength: p.n, maxLength: p.n },
      ),
      permit: fc.array(fc.boolean(), { minLength: p.n, maxLength: p.n }),
      lastUpdate: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: p.n, maxLength: p.n }),
      registered: fc.array(fc.integer({ min: 0, max: 600 }), { minLength: p.n, maxLength: p.n }),
      emission: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    }),
  )
  .map(
    ({ p, stake, weights, bonds, permit, lastUpdate, registered, emission }): EpochInput => ({
      n: p.n,
      block: 1000n,
      emission,
      ownerUid: null,
      hyperparameters: {
        ...DEFAULT_EPOCH_HYPERPARAMETERS,
        yuma3: p.yuma3,
        liquidAlpha: p.liquidAlpha,
        bondsPenalty: p.bondsPenalty,
        kappa: p.kappa,
        maxAllowedValidators: p.maxValidators,
        tempo: 100,
        activityCutoffBlocks: 500n,
      },
      stake,
      taoStake: [],
      weights,
      bonds,
      validatorPermit: permit,
      lastUpdate: lastUpdate.map(BigInt),
      blockAtRegistration: registered.map(BigInt),
      commitBlock: [],
    }),
  );

function permuteInput(input: EpochInput, perm: number[]): EpochInput {
  // uid i becomes perm[i]
  const n = input.n;
  const place = <T>(xs: T[], fill: T): T[] => {
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[perm[i] as number] = i < xs.length ? (xs[i] as T) : fill;
    return out;
  };
  const rows = (m: SparseRowU16[]): SparseRowU16[] =>
    place(m, []).map((r) => r.map(([j, v]) => [perm[j] as number, v] as [number, number]).sort((a, b) => a[0] - b[0]));
  return {
    ...input,
    stake: place(input.stake, 0n),
    weights: rows(input.weights),
    bonds: rows(input.bonds),
    validatorPermit: place(input.validatorPermit, false),
    lastUpdate: place(input.lastUpdate, 0n),
    blockAtRegistration: place(input.blockAtRegistration, 0n),
  };
}

const sortedRow = (r: SparseRowU16) => [...r].sort((a, b) => a[0] - b[0]);

describe('runEpoch properties', () => {
  it('permuting uids permutes every output', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(subnetArb, fc.integer(), (input, s) => {
        const perm = Array.from({ length: input.n }, (_, i) => i).sort(
          (a, b) => ((a * 7919 + s) % 101) - ((b * 7919 + s) % 101) || a - b,
        );
        const a = runEpoch(input);
        const b = runEpoch(permuteInput(input, perm));
        const vecs: (keyof EpochOutput)[] = [
          'active',
          'stakeRawU64',
          'stakeWeightU16',
          'validatorPermitNew',
          'consensusU16',
          'validatorTrustU16',
          'incentiveU16',
          'dividendsU16',
          'serverEmission',
          'validatorEmission',
          'emission',
        ];
        for (const key of vecs) {
          const va = a[key] as unknown[];
          const vb = b[key] as unknown[];
          for (let i = 0; i < input.n; i++) expect(vb[perm[i] as number], `${key}[${i}]`).toEqual(va[i]);
        }
        for (let i = 0; i < input.n; i++) {
          const mapped = (a.bondsU16[i] as SparseRowU16).map(([j, v]) => [perm[j] as number, v] as [number, number]);
          expect(sortedRow(b.bondsU16[perm[i] as number] as SparseRowU16)).toEqual(sortedRow(mapped));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same outputs when every block number moves past 2^53 (the ranked-blocks path)', () => {
    const shift = 1n << 60n;
    fc.assert(
      fc.property(subnetArb, fc.boolean(), (input, commitReveal) => {
        const commitBlock = input.lastUpdate.map((u, i) => (i % 3 === 0 ? null : u - 5n));
        const base = { ...input, commitBlock, hyperparameters: { ...input.hyperparameters, commitReveal } };
        const moved: EpochInput = {
          ...base,
          block: base.block + shift,
          lastUpdate: base.lastUpdate.map((b) => b + shift),
          blockAtRegistration: base.blockAtRegistration.map((b) => b + shift),
          commitBlock: commitBlock.map((b) => (b === null ? null : b + shift)),
        };
        const a = runEpoch(base);
        const b = runEpoch(moved);
        expect(b.lastTempo).toBe(a.lastTempo + shift);
        expect({ ...b, lastTempo: 0n }).toEqual({ ...a, lastTempo: 0n });
      }),
      { numRuns: 150 },
    );
  });

  it('pays nothing and stays finite when every stake is zero', () => {
    fc.assert(
      fc.property(subnetArb, (input) => {
        const out = runEpoch({ ...input, stake: input.stake.map(() => 0n) });
        const rao = [...out.serverEmission, ...out.validatorEmission, ...out.emission];
        expect(rao.every((x) => x === 0n)).toBe(true);
        const u16s = [...out.consensusU16, ...out.incentiveU16, ...out.dividendsU16, ...out.stakeWeightU16];
        expect(u16s.every((x) => Number.isInteger(x) && x === 0)).toBe(true);
        expect(out.validatorPermitNew.every((p) => !p)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('distributes the emission up to the documented rounding loss, never more', () => {
    fc.assert(
      fc.property(subnetArb, (input) => {
        const out = runEpoch(input);
        const total = [...out.serverEmission, ...out.validatorEmission].reduce((s, x) => s + x, 0n);
        const combined = out.emission.reduce((s, x) => s + x, 0n);
        const n = BigInt(input.n);
        // per uid: < 1 rao for the floor, and < 1 raw unit (2^-32) for each truncating division
        const slack = 2n * n + (2n * n * input.emission) / (1n << 32n) + 2n;
        expect(total <= input.emission).toBe(true);
        expect(combined <= input.emission).toBe(true);
        if (input.stake.some((s) => s > 0n)) {
          expect(input.emission - total <= slack).toBe(true);
          expect(input.emission - combined <= slack).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  // Weighting a miner nobody else weights earns nothing from that miner: consensus 0 clips the
  // weight away, so no incentive and no bond. The validator's own dividends cannot rise through it
  // beyond a few parts per million: renormalising its row lowers its sub-consensus weights, which
  // shifts a little incentive towards miners where its clipped weight is unchanged (chain arithmetic;
  // the vectors pin it). The bound below is that effect's size, not a float tolerance.
  it('does not raise a validator’s dividends when it weights a miner nobody else weights', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(65535),
        (seed, v, extra) => {
          const base = syntheticEpochInput({ n: 16, validators: 4, density: 1, seed });
          // the lone miner 15: nobody weights it; validator v (not the largest) will
          const weights = base.weights.map((r) => r.filter(([j]) => j !== 15));
          const others = base.stake.slice(1).reduce((t, x) => t + x, 0n);
          const stake = base.stake.map((s, i) => (i === 0 ? 2n * others : s)); // uid 0 holds two thirds
          const honest: EpochInput = { ...base, stake, weights };
          const row = weights[v] as SparseRowU16;
          const greedy: EpochInput = {
            ...honest,
            weights: weights.map((r, i) => (i === v ? [...row, [15, Math.max(1, extra)] as [number, number]] : r)),
          };
          // two epochs, so bonds built in the first one pay in the second
          const next = (input: EpochInput): EpochOutput => {
            const first = runEpoch(input);
            return runEpoch({
              ...input,
              block: input.block + 360n,
              bonds: first.bondsU16,
              validatorPermit: first.validatorPermitNew,
            });
          };
          const a = next(honest);
          const b = next(greedy);
          expect(b.consensusU16[15]).toBe(0);
          expect(b.incentiveU16[15]).toBe(0);
          expect(b.serverEmission[15]).toBe(0n);
          expect(b.bondsU16.every((r) => r.every(([j]) => j !== 15))).toBe(true);
          expect(b.dividendsU16[v] as number).toBeLessThanOrEqual((a.dividendsU16[v] as number) + 1);
          const gain = (b.validatorEmission[v] as bigint) - (a.validatorEmission[v] as bigint);
          expect(gain * 100_000n <= (a.validatorEmission[v] as bigint)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treats unsorted weight rows like sorted ones when liquid alpha is off', () => {
    fc.assert(
      fc.property(subnetArb, (input) => {
        const fixed = { ...input, hyperparameters: { ...input.hyperparameters, liquidAlpha: false } };
        const reversed = {
          ...fixed,
          weights: fixed.weights.map((r) => [...r].reverse()),
          bonds: fixed.bonds.map((r) => [...r].reverse()),
        };
        const a = runEpoch(fixed);
        const b = runEpoch(reversed);
        expect(b.dividendsU16).toEqual(a.dividendsU16);
        expect(b.incentiveU16).toEqual(a.incentiveU16);
        expect(b.emission).toEqual(a.emission);
        expect(b.bondsU16.map(sortedRow)).toEqual(a.bondsU16.map(sortedRow));
      }),
      { numRuns: 200 },
    );
  });

  it('computes nothing for an empty subnet', () => {
    const out = runEpoch({ ...syntheticEpochInput({ n: 4, validators: 2, density: 1 }), n: 0 });
    expect(out.emission).toEqual([]);
    expect(out.bondsU16).toEqual([]);
  });
});
