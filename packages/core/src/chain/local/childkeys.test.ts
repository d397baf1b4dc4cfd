import { describe, expect, it } from 'vitest';
import type { ChainCall } from '../types.js';
import { childkeyTakeOf, childrenOf, parentsOf, pendingChildrenOf, splitThroughParents } from './childkeys.js';
import { createDevSigner } from './crypto.js';
import { devGenesis } from './dev-genesis.js';
import { buildEpochInput } from './epoch.js';
import { createLocalChain, type LocalChain } from './local-chain.js';
import type { ChainParams, Hyper } from './params.js';
import type { Subnet } from './state.js';
import { chainError, dev, include, invariantViolations } from './test-helpers.js';

const TAO = 1_000_000_000n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const HALF = U64_MAX / 2n; // (2^64 − 2) / 2: a proportion just under one half
const parent = dev.validatorHot; // owned by Charlie
const child = dev.minerHot; // owned by Bob

async function setup(params: Partial<ChainParams> = {}, hyper: Partial<Hyper> = {}): Promise<LocalChain> {
  const genesis = devGenesis({ hyperparameters: { tempo: 10, ...hyper } });
  genesis.params = { ...genesis.params, pendingChildkeyCooldown: 3, ...params };
  const c = await createLocalChain({ blockTime: 'manual', genesis });
  await include(c, dev.charlie, {
    pallet: 'SubtensorModule',
    method: 'burned_register',
    args: { netuid: 1, hotkey: parent.address },
  });
  await include(c, dev.bob, {
    pallet: 'SubtensorModule',
    method: 'burned_register',
    args: { netuid: 1, hotkey: child.address },
  });
  return c;
}

const setChildren = (children: [bigint, string][], netuid = 1, hotkey = parent.address): ChainCall => ({
  pallet: 'SubtensorModule',
  method: 'set_children',
  args: { hotkey, netuid, children },
});
const stake = (netuid: number, amount: bigint): ChainCall => ({
  pallet: 'SubtensorModule',
  method: 'add_stake',
  args: { hotkey: parent.address, netuid, amountStaked: amount },
});

/** Blocks until the subnet's next epoch runs (it runs in the block numbered lastEpochBlock + tempo). */
function blocksToEpoch(c: LocalChain): number {
  const s = c.state.subnet(1) as Subnet;
  return s.lastEpochBlock + s.hyper.tempo - c.head().number;
}

describe('set_children (chain.md §9.4)', () => {
  it('refuses each rule violation and writes nothing', async () => {
    const c = await setup({ stakeThreshold: 1n * TAO });
    const others = Array.from({ length: 6 }, (_, i) => createDevSigner(`//Child${i}`).address);
    const cases: [ChainCall, string, typeof dev.charlie][] = [
      [setChildren([[1n, child.address]], 0), 'RegistrationNotPermittedOnRootSubnet', dev.charlie],
      [setChildren([[1n, child.address]], 7), 'SubNetworkDoesNotExist', dev.charlie],
      [setChildren([[1n, child.address]]), 'NonAssociatedColdKey', dev.bob],
      [setChildren(others.map((o) => [1n, o])), 'TooManyChildren', dev.charlie],
      [setChildren([[1n, parent.address]]), 'InvalidChild', dev.charlie],
      [
        setChildren([
          [1n, child.address],
          [2n, child.address],
        ]),
        'DuplicateChild',
        dev.charlie,
      ],
      [
        setChildren([
          [U64_MAX, child.address],
          [1n, others[0] as string],
        ]),
        'ProportionOverflow',
        dev.charlie,
      ],
      // the parent has no stake yet: below StakeThreshold (1 TAO)
      [setChildren([[1n, child.address]]), 'NotEnoughStakeToSetChildkeys', dev.charlie],
      [
        {
          pallet: 'SubtensorModule',
          method: 'set_childkey_take',
          args: { hotkey: parent.address, netuid: 1, take: 11797 },
        },
        'InvalidChildkeyTake',
        dev.charlie,
      ],
    ];
    for (const [call, error, signer] of cases) {
      expect(await chainError(include(c, signer, call))).toBe(error);
    }
    const store = c.state.store;
    for (const prefix of ['ck:', 'cp:', 'cq:', 'ct:', 'cr:', 'cT:']) expect(store.keysWithPrefix(prefix)).toEqual([]);
    // with stake it goes through, and a second one inside 150 blocks is rate limited
    await include(c, dev.charlie, stake(1, 10n * TAO));
    expect(await chainError(include(c, dev.charlie, setChildren([[1n, child.address]])))).toBe('none');
    const pending = pendingChildrenOf(c.state, 1, parent.address);
    expect(await chainError(include(c, dev.charlie, setChildren([[2n, child.address]])))).toBe('TxRateLimitExceeded');
    expect(pendingChildrenOf(c.state, 1, parent.address)).toEqual(pending);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });

  it('sets the childkey take within [min, max] and emits ChildKeyTakeSet', async () => {
    const c = await setup();
    expect(childkeyTakeOf(c.state, 1, parent.address)).toBe(0);
    const r = await include(c, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'set_childkey_take',
      args: { hotkey: parent.address, netuid: 1, take: 11796 },
    });
    expect(r.events.find((e) => e.name === 'ChildKeyTakeSet')?.data).toEqual({ hotkey: parent.address, take: 11796 });
    expect(childkeyTakeOf(c.state, 1, parent.address)).toBe(11796);
    await c.close();
  });

  it('applies the pending change at the first epoch after the cooldown, not before', async () => {
    const c = await setup();
    await include(c, dev.charlie, stake(1, 10n * TAO));
    // align so the next epoch is 2 blocks after inclusion: before the 3-block cooldown ends
    const d = blocksToEpoch(c);
    await c.advance(d >= 2 ? d - 2 : d + 8);
    const r = await include(c, dev.charlie, setChildren([[HALF, child.address]]));
    const at = r.blockNumber;
    expect(r.events.find((e) => e.name === 'SetChildrenScheduled')?.data).toMatchObject({
      hotkey: parent.address,
      netuid: 1,
      coolDownBlock: at + 3,
    });
    const applied: number[] = [];
    c.onEvents((evs, header) => {
      if (evs.some((e) => e.name === 'SetChildren')) applied.push(header.number);
    });
    // the epoch at `at + 1` ran before the cooldown ended: nothing applied
    await c.advance(blocksToEpoch(c));
    expect(c.head().number).toBe(at + 1);
    expect(childrenOf(c.state, 1, parent.address)).toEqual([]);
    // the cooldown ends at `at + 3`, but no epoch runs there
    await c.advance(3);
    expect(childrenOf(c.state, 1, parent.address)).toEqual([]);
    expect(pendingChildrenOf(c.state, 1, parent.address)).toBeDefined();
    // the next epoch applies it
    await c.advance(blocksToEpoch(c));
    expect(applied).toEqual([at + 11]);
    expect(childrenOf(c.state, 1, parent.address)).toEqual([[HALF, child.address]]);
    expect(parentsOf(c.state, 1, child.address)).toEqual([[HALF, parent.address]]);
    expect(pendingChildrenOf(c.state, 1, parent.address)).toBeUndefined();
    await c.close();
  });

  it('moves stake weight to the child in the epoch input exactly as §9.3 (u64 proportions, floor)', async () => {
    const c = await setup();
    await include(c, dev.charlie, stake(1, 100n * TAO));
    // root is a stable 1:1 pool without fee: exactly 1000 TAO of root stake
    await include(c, dev.charlie, stake(0, 1000n * TAO));
    await include(c, dev.charlie, setChildren([[HALF, child.address]]));
    await c.advance(blocksToEpoch(c) < 4 ? blocksToEpoch(c) + 10 : blocksToEpoch(c));
    expect(childrenOf(c.state, 1, parent.address)).toHaveLength(1);
    const s = c.state.subnet(1) as Subnet;
    const input = buildEpochInput(c.state, s, c.head().number, 0n);
    const pUid = c.state.uidOf(1, parent.address) as number;
    const cUid = c.state.uidOf(1, child.address) as number;
    // root: 10^12 · (2^64 − 2)/2 / (2^64 − 1) = 5·10^11 − 10^12/(2^65 − 2) → floor 499_999_999_999
    expect(input.taoStake[cUid]).toBe(499_999_999_999n);
    expect(input.taoStake[pUid]).toBe(500_000_000_001n);
    // alpha: the same formula on the parent's own alpha (whatever the pool gave it)
    const own = c.state.pool(1, parent.address).alpha;
    const moved = (own * HALF) / U64_MAX;
    expect(moved).toBe(own % 2n === 0n ? own / 2n - 1n : (own - 1n) / 2n);
    expect(input.stake[pUid]).toBe(own - moved);
    expect(input.stake[cUid]).toBe(c.state.pool(1, child.address).alpha + moved);
    // the metagraph reports the inherited values, as the runtime API does
    const mg = await c.metagraph(1);
    expect(mg.alphaStake[pUid]).toBe(own - moved);
    expect(mg.taoStake[cUid]).toBe(499_999_999_999n);
    await c.close();
  });

  it('splits a dividend of the child to its parent, less the childkey take (chain.md §3.5 step 5)', async () => {
    const c = await setup();
    await include(c, dev.charlie, stake(1, 100n * TAO));
    await include(c, dev.charlie, setChildren([[HALF, child.address]]));
    // the child's own coldkey sets its take: 6553/65535 ≈ 10 %
    await include(c, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'set_childkey_take',
      args: { hotkey: child.address, netuid: 1, take: 6553 },
    });
    expect(splitThroughParents(c.state, 1, child.address, 1_000_000n)).toEqual([[child.address, 1_000_000n]]);
    await c.advance(blocksToEpoch(c) < 4 ? blocksToEpoch(c) + 10 : blocksToEpoch(c));
    expect(parentsOf(c.state, 1, child.address)).toHaveLength(1);
    // the child holds no stake of its own: all its stake weight is the parent's, so the parent's
    // share is the whole dividend; the child keeps floor(10^6 · 6553 / 65535) = 99_992
    expect(c.state.pool(1, child.address).alpha).toBe(0n);
    expect(splitThroughParents(c.state, 1, child.address, 1_000_000n)).toEqual([
      [child.address, 99_992n],
      [parent.address, 900_008n],
    ]);
    await c.close();
  });

  it('pays the parent its part of the dividends the child earns at an epoch, the child keeping its take', async () => {
    // hash weights, no commit-reveal: the child validates with the parent's whole stake
    const c = await setup({}, { commitRevealWeightsEnabled: false });
    await include(c, dev.charlie, stake(1, 100n * TAO));
    await include(c, dev.charlie, setChildren([[U64_MAX, child.address]]));
    const take = 6553;
    await include(c, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'set_childkey_take',
      args: { hotkey: child.address, netuid: 1, take },
    });
    await c.advance(blocksToEpoch(c) < 4 ? blocksToEpoch(c) + 10 : blocksToEpoch(c));
    expect(childrenOf(c.state, 1, parent.address)).toHaveLength(1);
    await c.advance(blocksToEpoch(c)); // the child gets a validator permit
    const ownerUid = c.state.uidOf(1, c.state.subnet(1)?.ownerHotkey as string) as number;
    // weight on the owner uid: its incentive is burned, so only dividends move stake
    await include(c, child, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [ownerUid], weights: [65535], versionKey: 0n },
    });
    const alpha = (hk: string) => c.state.pool(1, hk).alpha;
    let gainP = 0n;
    let gainC = 0n;
    for (let epoch = 0; epoch < 3 && gainP === 0n; epoch++) {
      const [p0, c0] = [alpha(parent.address), alpha(child.address)];
      expect(c0).toBe(0n); // the child has held nothing of its own so far
      await c.advance(blocksToEpoch(c));
      [gainP, gainC] = [alpha(parent.address) - p0, alpha(child.address) - c0];
    }
    expect(gainP).toBeGreaterThan(0n);
    // the parent's stake is all of the child's weight: the child keeps only floor(D · take / 65535)
    expect(gainC).toBe(((gainP + gainC) * BigInt(take)) / 65535n);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });

  it('with the whole stake given to the child, the parent has no stake weight left in the epoch', async () => {
    const c = await setup();
    await include(c, dev.charlie, stake(1, 100n * TAO));
    await include(c, dev.charlie, setChildren([[U64_MAX, child.address]]));
    await c.advance(blocksToEpoch(c) < 4 ? blocksToEpoch(c) + 10 : blocksToEpoch(c));
    await c.advance(blocksToEpoch(c)); // one epoch with the children in place
    const nv = c.state.neurons(1);
    const pUid = c.state.uidOf(1, parent.address) as number;
    const cUid = c.state.uidOf(1, child.address) as number;
    expect(nv.stakeWeight[pUid]).toBe(0);
    expect(nv.stakeWeight[cUid]).toBeGreaterThan(0);
    expect(nv.validatorPermit[cUid]).toBe(true);
    await c.close();
  });
});
