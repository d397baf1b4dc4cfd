import { describe, expect, it } from 'vitest';
import { runEpoch } from './epoch.js';
import { packRows, unpackRows } from './packed.js';
import { syntheticEpochInput } from './synthetic.js';
import type { EpochInput, EpochOutput, SparseRowU16 } from './types.js';

/** Two epochs of a synthetic subnet (the second reads the first one's bonds), unsorted rows in one. */
function subnet(liquidAlpha: boolean, yuma3: boolean): EpochInput {
  const base = syntheticEpochInput({
    n: 40,
    validators: 12,
    density: 0.6,
    seed: `packed-${liquidAlpha}-${yuma3}`,
    hyperparameters: { liquidAlpha, yuma3 },
  });
  const first = runEpoch(base);
  const weights = base.weights.map((r, i) => (i === 3 ? [...r].reverse() : r));
  return {
    ...base,
    weights,
    block: base.block + 360n,
    bonds: first.bondsU16,
    validatorPermit: first.validatorPermitNew,
  };
}

const visible = (o: EpochOutput): EpochOutput => ({ ...o, intermediates: undefined });

describe('packed weights and bonds (PackedRowsU16)', () => {
  it('packs and unpacks rows in their order, short inputs padding with empty rows', () => {
    const rows: SparseRowU16[] = [
      [
        [3, 7],
        [1, 65535],
      ],
      [],
      [[65535, 0]],
    ];
    const p = packRows(rows);
    expect(Array.from(p.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(p.uids)).toEqual([3, 1, 65535]);
    expect(Array.from(p.values)).toEqual([7, 65535, 0]);
    expect(unpackRows(p)).toEqual(rows);
    expect(unpackRows(p, 5)).toEqual([...rows, [], []]);
  });

  for (const [liquidAlpha, yuma3] of [
    [true, true],
    [false, true],
    [false, false],
  ] as const) {
    it(`gives the same epoch for packed and tuple input (liquid alpha ${liquidAlpha}, Yuma3 ${yuma3})`, () => {
      const input = subnet(liquidAlpha, yuma3);
      const tuples = runEpoch(input);
      const packed = runEpoch({ ...input, weights: packRows(input.weights), bonds: packRows(input.bonds) });
      expect(tuples.bondsU16.some((r) => r.length > 0)).toBe(true);
      expect(visible(packed)).toEqual(visible(tuples));
      // the packed bonds are the stored rows, n of them
      expect(unpackRows(packed.bondsPacked as NonNullable<EpochOutput['bondsPacked']>)).toEqual(tuples.bondsU16);
      expect((packed.bondsPacked?.offsets.length ?? 0) - 1).toBe(input.n);
    });
  }

  it('keeps bondsPacked out of spreads and JSON, and lets bondsU16 be replaced', () => {
    const out = runEpoch(subnet(true, true));
    expect(Object.keys(out)).not.toContain('bondsPacked');
    expect(Object.keys(out)).toContain('bondsU16');
    const rows = out.bondsU16;
    expect(out.bondsU16).toBe(rows); // built once
    out.bondsU16 = [];
    expect(out.bondsU16).toEqual([]);
  });

  it('rejects tuple rows that are not u16 pairs with a coded error', () => {
    const input = subnet(false, true);
    for (const bad of [[[1, 65536]], [[-1, 5]], [[2.5, 5]], [[1, Number.NaN]]] as SparseRowU16[]) {
      const weights = input.weights.map((r, i) => (i === 1 ? bad : r));
      expect(() => runEpoch({ ...input, weights })).toThrow(
        expect.objectContaining({
          code: 'SK_CONSENSUS_BAD_SCENARIO',
          message: expect.stringContaining('weights[1][0]'),
        }),
      );
    }
  });
});
