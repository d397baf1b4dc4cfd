import { describe, expect, it } from 'vitest';
import { packRows } from '../../consensus/packed.js';
import type { SparseRowU16 } from '../../consensus/types.js';
import { decodeBondRow, encodeBondRow, packStoredBondRows } from './bond-rows.js';
import { devGenesis } from './dev-genesis.js';
import { buildEpochInput } from './epoch.js';
import { createLocalChain } from './local-chain.js';
import { K, type Subnet } from './state.js';
import { dev, include } from './test-helpers.js';

const TAO = 1_000_000_000n;

describe('stored Bonds rows (packed strings, older tuple arrays still read)', () => {
  it('encodes a row as u16 pairs and reads it back, beside rows in the old form', () => {
    const rows: SparseRowU16[] = [
      [
        [0, 1],
        [65535, 65535],
        [256, 258],
      ],
      [],
      [[7, 0]],
    ];
    const p = packRows(rows);
    const stored = [encodeBondRow(p, 0, 3), undefined, rows[2] as SparseRowU16];
    expect(typeof stored[0]).toBe('string');
    expect((stored[0] as string).startsWith('#')).toBe(false);
    expect(Buffer.from(stored[0] as string, 'base64')).toEqual(
      Buffer.from([0, 0, 1, 0, 255, 255, 255, 255, 0, 1, 2, 1]),
    );
    expect(decodeBondRow(stored[0])).toEqual(rows[0]);
    expect(decodeBondRow(undefined)).toEqual([]);
    expect(decodeBondRow(rows[2])).toBe(rows[2]);
    expect(packStoredBondRows(stored)).toEqual(p);
  });

  it('an epoch stores packed rows; rows in the old tuple form give the same epoch input', async () => {
    const chain = await createLocalChain({
      blockTime: 'manual',
      genesis: devGenesis({ subnets: 1, hyperparameters: { commitRevealWeightsEnabled: false, tempo: 10 } }),
    });
    for (const [signer, hotkey] of [
      [dev.bob, dev.minerHot.address],
      [dev.charlie, dev.validatorHot.address],
    ] as const) {
      await include(chain, signer, {
        pallet: 'SubtensorModule',
        method: 'burned_register',
        args: { netuid: 1, hotkey },
      });
    }
    await include(chain, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: dev.validatorHot.address, netuid: 1, amountStaked: 100n * TAO },
    });
    await chain.advance(12);
    await include(chain, dev.validatorHot, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [1], weights: [65535], versionKey: 0n },
    });
    await chain.advance(22);
    const st = chain.state;
    const vUid = st.uidOf(1, dev.validatorHot.address) as number;
    const stored = st.store.get<unknown>(K.bonds(1, vUid));
    expect(typeof stored).toBe('string');
    const row = st.bonds(1, vUid);
    expect(row.length).toBeGreaterThan(0);
    expect(row[0]?.[0]).toBe(1);
    const mg = await chain.metagraph(1, { bonds: true });
    expect(mg.bonds?.[vUid]).toEqual(row);
    const subnet = st.subnet(1) as Subnet;
    const packed = buildEpochInput(st, subnet, chain.head().number + 1, 0n).bonds;
    // a data dir written before the packed form holds tuple arrays under the same keys
    st.store.set(K.bonds(1, vUid), row);
    expect(st.bonds(1, vUid)).toEqual(row);
    expect(buildEpochInput(st, subnet, chain.head().number + 1, 0n).bonds).toEqual(packed);
    // the next epoch reads the old form and writes the packed one
    await chain.advance(12);
    expect(typeof st.store.get<unknown>(K.bonds(1, vUid))).toBe('string');
    expect(st.bonds(1, vUid).length).toBeGreaterThan(0);
    // packed weights rows are cached by row object: a new set_weights row is read afresh
    const mUid = st.uidOf(1, dev.minerHot.address) as number;
    const w1 = buildEpochInput(st, subnet, chain.head().number + 1, 0n).weights;
    expect(w1).toEqual(packRows(Array.from({ length: st.neurons(1).hotkeys.length }, (_, u) => st.weights(1, u))));
    await include(chain, dev.validatorHot, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [0, mUid], weights: [65535, 32768], versionKey: 0n },
    });
    const w2 = buildEpochInput(st, subnet, chain.head().number + 1, 0n).weights;
    expect(w2).not.toEqual(w1);
    expect(w2).toEqual(packRows(Array.from({ length: st.neurons(1).hotkeys.length }, (_, u) => st.weights(1, u))));
    await chain.close();
  });
});
