import { describe, expect, it } from 'vitest';
import { verifyBeaconSignature } from '../../timelock/beacon.js';
import { encodeWeightsPayload } from '../../timelock/payload.js';
import { QUICKNET } from '../../timelock/quicknet.js';
import { roundForBlock } from '../../timelock/reveal-round.js';
import { timelockEncrypt } from '../../timelock/tle.js';
import type { Signer } from '../../util/signer.js';
import type { ChainCall, ChainEvent } from '../types.js';
import { blake2Hex } from './codec.js';
import { devGenesis } from './dev-genesis.js';
import { buildEpochInput } from './epoch.js';
import { createLocalChain, type LocalChain } from './local-chain.js';
import type { Hyper } from './params.js';
import { chainError, dev, include } from './test-helpers.js';

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

async function setup(hyper: Partial<Hyper> = {}): Promise<LocalChain> {
  const c = await createLocalChain({
    blockTime: 'manual',
    genesis: devGenesis({ subnets: 1, hyperparameters: { tempo: 10, weightsRateLimit: 0, ...hyper } }),
  });
  await include(c, dev.bob, {
    pallet: 'SubtensorModule',
    method: 'burned_register',
    args: { netuid: 1, hotkey: dev.minerHot.address },
  });
  return c;
}

const commitCall = (commit: string, revealRound: bigint, version = 4, netuid = 1): ChainCall => ({
  pallet: 'SubtensorModule',
  method: 'commit_timelocked_weights',
  args: { netuid, commit, revealRound, commitRevealVersion: version },
});

/** Encrypts weights for `who` to the round whose pulse the chain has stored when block `block` starts. */
async function sealed(
  c: LocalChain,
  who: Signer,
  uids: number[],
  values: number[],
  round: bigint,
  hotkey: Uint8Array = who.publicKey,
): Promise<string> {
  const info = await c.timelockBeacon();
  const payload = encodeWeightsPayload({ hotkey, uids, values, versionKey: 0n });
  return hex(timelockEncrypt(payload, round, info.publicKey));
}

/** The round published by the beacon time of `block` (visible to the reveal of block + 1). */
async function roundOfBlock(c: LocalChain, block: number): Promise<bigint> {
  const info = await c.timelockBeacon();
  return BigInt(roundForBlock({ ...info, currentBlock: info.headBlock, targetBlock: block }));
}

/** Advances to `block`, collecting block-level events. */
async function advanceTo(c: LocalChain, block: number): Promise<ChainEvent[]> {
  const seen: ChainEvent[] = [];
  const off = c.onEvents((events) => seen.push(...events));
  while ((await c.blockNumber()) < block) await c.advance(1);
  off();
  return seen;
}

describe('commit-reveal v4 on the local chain', () => {
  it('is on by default with version 4; set_weights is refused', async () => {
    const c = await setup();
    const h = await c.hyperparameters(1);
    expect([h.commitRevealWeightsEnabled, h.commitRevealVersion]).toEqual([true, 4]);
    expect(
      await chainError(
        include(c, dev.ownerHot, {
          pallet: 'SubtensorModule',
          method: 'set_weights',
          args: { netuid: 1, dests: [1], weights: [65535], versionKey: 0n },
        }),
      ),
    ).toBe('CommitRevealEnabled');
    await c.close();
  });

  it('publishes verifiable pulses on the 3 s schedule of the block clock', async () => {
    const c = await setup();
    await c.advance(2);
    const info = await c.timelockBeacon();
    expect(info.blockTime).toBe(12);
    expect(info.lastStoredRound).toBe(BigInt(Math.floor((info.headBlock * 12) / 3) + 1));
    const pulse = c.drandPulse(info.lastStoredRound);
    expect(pulse).not.toBeNull();
    expect(verifyBeaconSignature(info.publicKey, info.lastStoredRound, pulse!.signature)).toBe(true);
    expect(c.drandPulse(info.lastStoredRound + 1n)).toBeNull();
    expect(verifyBeaconSignature(QUICKNET.publicKey, info.lastStoredRound, pulse!.signature)).toBe(false);
    await c.close();
  });

  it('stores a TypeScript-encrypted commit and reveals it by itself in the block where the reveal epoch fires', async () => {
    const c = await setup();
    const s = await c.subnet(1);
    const nextEpoch = s!.nextEpochBlock!;
    expect(await c.blockNumber()).toBeLessThan(nextEpoch - 1);
    const round = await roundOfBlock(c, nextEpoch - 1);
    const commit = await sealed(c, dev.ownerHot, [1], [65535], round);
    const r = await include(c, dev.ownerHot, commitCall(commit, round));
    const committed = r.events.find((e) => e.name === 'TimelockedWeightsCommitted');
    expect(committed?.data).toEqual({
      hotkey: dev.ownerHot.address,
      netuidIndex: 1,
      hash: blake2Hex(Buffer.from(commit.slice(2), 'hex')),
      revealRound: round,
    });
    const queued = await c.timelockedWeightCommits(1);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.commits[0]).toMatchObject({ hotkey: dev.ownerHot.address, commit, revealRound: round });
    const before = await advanceTo(c, nextEpoch - 1);
    expect(before.some((e) => e.name === 'TimelockedWeightsRevealed')).toBe(false);
    expect((await c.metagraph(1, { weights: true })).weights![0]).toEqual([]);
    const at = await advanceTo(c, nextEpoch);
    const names = at.map((e) => e.name);
    // revealed in on_initialize, before the epoch of the same block uses the weights
    expect(names.indexOf('TimelockedWeightsRevealed')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('WeightsSet')).toBeLessThan(names.indexOf('TimelockedWeightsRevealed'));
    expect(at.find((e) => e.name === 'TimelockedWeightsRevealed')?.data).toEqual({
      netuidIndex: 1,
      hotkey: dev.ownerHot.address,
    });
    expect((await c.metagraph(1, { weights: true })).weights![0]).toEqual([[1, 65535]]);
    expect(await c.timelockedWeightCommits(1)).toEqual([]);
    await c.close();
  });

  it('drops undecryptable and impersonating commits without harming the others; retries a missing pulse within the epoch', async () => {
    const c = await setup({ tempo: 20 });
    await include(c, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.validatorHot.address },
    });
    const nextEpoch = (await c.subnet(1))!.nextEpochBlock!;
    const round = await roundOfBlock(c, nextEpoch - 1);
    const lateRound = await roundOfBlock(c, nextEpoch + 3);
    const info = await c.timelockBeacon();
    // owner: valid; miner: sealed to quicknet's key (the local beacon cannot open it);
    // validator: a payload that claims to be the owner's; then the miner again, to a round whose
    // pulse comes 4 blocks into the reveal epoch (a self-weight: no permit needed)
    const good = await sealed(c, dev.ownerHot, [1], [65535], round);
    const wrongKey = hex(
      timelockEncrypt(
        encodeWeightsPayload({ hotkey: dev.minerHot.publicKey, uids: [1], values: [1], versionKey: 0n }),
        round,
        QUICKNET.publicKey,
      ),
    );
    const impostor = await sealed(c, dev.validatorHot, [1], [7], round, dev.ownerHot.publicKey);
    expect(info.publicKey).not.toBe(`0x${QUICKNET.publicKey}`);
    for (const [who, commit] of [
      [dev.ownerHot, good],
      [dev.minerHot, wrongKey],
      [dev.validatorHot, impostor],
    ] as const) {
      await include(c, who, commitCall(commit, round));
    }
    const late = await sealed(c, dev.minerHot, [1], [65535], lateRound);
    await include(c, dev.minerHot, commitCall(late, lateRound));
    expect((await c.timelockedWeightCommits(1))[0]!.commits).toHaveLength(4);
    const at = await advanceTo(c, nextEpoch);
    const revealed = at.filter((e) => e.name === 'TimelockedWeightsRevealed').map((e) => e.data.hotkey);
    expect(revealed).toEqual([dev.ownerHot.address]);
    // the late one waits (its pulse is not stored yet); the broken ones are gone
    const left = (await c.timelockedWeightCommits(1))[0]!.commits;
    expect(left.map((x) => x.hotkey)).toEqual([dev.minerHot.address]);
    expect(left[0]!.revealRound).toBe(lateRound);
    const mg = await c.metagraph(1, { weights: true });
    expect(mg.weights![0]).toEqual([[1, 65535]]);
    expect(mg.weights![1]).toEqual([]);
    expect(mg.weights![2]).toEqual([]);
    const later = await advanceTo(c, nextEpoch + 5);
    expect(later.filter((e) => e.name === 'TimelockedWeightsRevealed').map((e) => e.data.hotkey)).toEqual([
      dev.minerHot.address,
    ]);
    expect((await c.metagraph(1, { weights: true })).weights![1]).toEqual([[1, 65535]]);
    expect(await c.timelockedWeightCommits(1)).toEqual([]);
    await c.close();
  });

  it('an unrevealed timelocked commit counts as the committer’s first commit block in the epoch input', async () => {
    const c = await setup();
    const nextEpoch = (await c.subnet(1))!.nextEpochBlock!;
    const late = await roundOfBlock(c, nextEpoch + 5);
    const r = await include(c, dev.ownerHot, commitCall(await sealed(c, dev.ownerHot, [1], [65535], late), late));
    const s = c.state.subnet(1)!;
    const input = buildEpochInput(c.state, s, nextEpoch, 0n);
    expect(input.commitBlock[0]).toBe(BigInt(r.blockNumber));
    expect(input.commitBlock[1]).toBeNull();
    await c.close();
  });

  it('falls back to the legacy v3 payload (no hotkey) when the current one does not decode, as the chain does', async () => {
    const c = await setup();
    await include(c, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.validatorHot.address },
    });
    const nextEpoch = (await c.subnet(1))!.nextEpochBlock!;
    const round = await roundOfBlock(c, nextEpoch - 1);
    // SCALE { uids: [1, 2], values: [10, 20], version_key: 0 }
    const legacy = Uint8Array.from(Buffer.from(`0801000200080a001400${'00'.repeat(8)}`, 'hex'));
    const info = await c.timelockBeacon();
    await include(c, dev.ownerHot, commitCall(hex(timelockEncrypt(legacy, round, info.publicKey)), round));
    const at = await advanceTo(c, nextEpoch);
    expect(at.filter((e) => e.name === 'TimelockedWeightsRevealed').map((e) => e.data.hotkey)).toEqual([
      dev.ownerHot.address,
    ]);
    expect((await c.metagraph(1, { weights: true })).weights![0]).toEqual([
      [1, 32768],
      [2, 65535],
    ]);
    await c.close();
  });

  it('drops a commit whose pulse never arrives in its reveal epoch', async () => {
    const c = await setup();
    const nextEpoch = (await c.subnet(1))!.nextEpochBlock!;
    const tooLate = await roundOfBlock(c, nextEpoch + 100);
    await include(c, dev.ownerHot, commitCall(await sealed(c, dev.ownerHot, [1], [65535], tooLate), tooLate));
    const seen = await advanceTo(c, nextEpoch + 10);
    expect(seen.some((e) => e.name === 'TimelockedWeightsRevealed')).toBe(false);
    expect(await c.timelockedWeightCommits(1)).toEqual([]);
    await c.close();
  });

  it('checks the commit like subtensor: version, round, registration, mechanism, rate limit, queue size, size', async () => {
    const c = await setup({ weightsRateLimit: 0 });
    const info = await c.timelockBeacon();
    const round = info.lastStoredRound + 400n;
    const commit = await sealed(c, dev.ownerHot, [1], [65535], round);
    expect(await chainError(include(c, dev.ownerHot, commitCall(commit, round, 3)))).toBe(
      'IncorrectCommitRevealVersion',
    );
    const now = (await c.timelockBeacon()).lastStoredRound;
    expect(await chainError(include(c, dev.ownerHot, commitCall(commit, now - 1n)))).toBe('InvalidRevealRound');
    expect(await chainError(include(c, dev.dave, commitCall(commit, round)))).toBe('HotKeyNotRegisteredInSubNet');
    expect(await chainError(include(c, dev.ownerHot, commitCall(commit, round, 4, 9)))).toBe('MechanismDoesNotExist');
    expect(
      await chainError(
        include(c, dev.ownerHot, {
          pallet: 'SubtensorModule',
          method: 'commit_timelocked_mechanism_weights',
          args: { netuid: 1, mecid: 1, commit, revealRound: round, commitRevealVersion: 4 },
        }),
      ),
    ).toBe('MechanismDoesNotExist');
    await expect(include(c, dev.ownerHot, commitCall(`0x${'00'.repeat(5001)}`, round))).rejects.toMatchObject({
      code: 'SK_CHAIN_BAD_INPUT',
    });
    // the mechanism form with mecid 0 is the same commit
    const ok = await include(c, dev.ownerHot, {
      pallet: 'SubtensorModule',
      method: 'commit_timelocked_mechanism_weights',
      args: { netuid: 1, mecid: 0, commit, revealRound: round, commitRevealVersion: 4 },
    });
    expect(ok.events.map((e) => e.name)).toContain('TimelockedWeightsCommitted');
    // at most 10 per hotkey per epoch: 11 in one block, the 11th is refused
    const batch = Array.from({ length: 11 }, () => c.submit(dev.ownerHot, commitCall(commit, round + 100n)));
    for (const p of batch) p.catch(() => undefined);
    await c.advance(1);
    const outcomes = await Promise.all(batch.map((p) => chainError(p)));
    // the mechanism commit above may share this epoch: the first 9 pass either way
    expect(outcomes.slice(0, 9).every((o) => o === 'none')).toBe(true);
    const err = outcomes.at(-1);
    expect(err).toBe('TooManyUnrevealedCommits');
    await c.close();
  });

  it('refuses commits when commit-reveal is off, and keeps hash commits (v2) on a subnet set to version 2', async () => {
    const off = await setup({ commitRevealWeightsEnabled: false });
    const round = (await off.timelockBeacon()).lastStoredRound + 8n;
    const commit = await sealed(off, dev.ownerHot, [1], [65535], round);
    expect(await chainError(include(off, dev.ownerHot, commitCall(commit, round)))).toBe('CommitRevealDisabled');
    await off.close();
    const v2 = await setup({ commitRevealVersion: 2, weightsRateLimit: 3 });
    expect((await v2.hyperparameters(1)).commitRevealVersion).toBe(2);
    expect(await chainError(include(v2, dev.ownerHot, commitCall(commit, round + 8n)))).toBe(
      'IncorrectCommitRevealVersion',
    );
    const r = await include(v2, dev.ownerHot, {
      pallet: 'SubtensorModule',
      method: 'commit_weights',
      args: { netuid: 1, commitHash: `0x${'11'.repeat(32)}` },
    });
    expect(r.events.map((e) => e.name)).toContain('WeightsCommitted');
    // the v2 commit set LastUpdate: a timelocked commit right after is rate limited
    expect(await chainError(include(v2, dev.ownerHot, commitCall(commit, round + 8n, 2)))).toBe(
      'CommittingWeightsTooFast',
    );
    await v2.close();
  });
});
