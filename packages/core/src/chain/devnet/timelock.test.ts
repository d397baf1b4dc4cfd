import { ApiPromise, WsProvider } from '@polkadot/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chooseRevealRound } from '../../neuron/weight-mode.js';
import { verifyBeaconSignature } from '../../timelock/beacon.js';
import { encodeWeightsPayload } from '../../timelock/payload.js';
import { timelockEncrypt } from '../../timelock/tle.js';
import { ManualClock } from '../../util/clock.js';
import { createDevSigner, createLocalChain, devGenesis, type LocalChain } from '../local/index.js';
import { createSubtensorChain } from '../subtensor/subtensor-chain.js';
import type { Chain, ChainEvent } from '../types.js';
import { type Devnet, startDevnet } from './devnet-server.js';
import { localChainEngine } from './local-engine.js';

const bob = createDevSigner('//Bob');
const ownerHot = createDevSigner('//Alice//hotkey/1');
const minerHot = createDevSigner('//Bob//miner');

describe('devnet: commit-reveal v4 over Substrate JSON-RPC', () => {
  let local: LocalChain;
  let devnet: Devnet;
  let remote: Chain;
  let api: ApiPromise;

  beforeAll(async () => {
    local = await createLocalChain({
      blockTime: 'instant',
      genesis: { ...devGenesis({ hyperparameters: { tempo: 10, weightsRateLimit: 0 } }), timestamp: 1_700_000_000_000 },
      clock: new ManualClock(1_700_000_000_000),
    });
    devnet = await startDevnet({ engine: localChainEngine(local), port: 0 });
    remote = await createSubtensorChain({ endpoint: devnet.url, timeoutMs: 10_000 });
    api = await ApiPromise.create({ provider: new WsProvider(devnet.url), noInitWarn: true });
  });

  afterAll(async () => {
    await api?.disconnect();
    await remote?.close();
    await devnet?.close();
    await local?.close();
  });

  it('serves the beacon (key, LastStoredRound, verifiable Pulses) and the commit-reveal version', async () => {
    await local.advance(1);
    const h = await remote.hyperparameters(1);
    expect([h.commitRevealWeightsEnabled, h.commitRevealVersion]).toEqual([true, 4]);
    const mine = await local.timelockBeacon();
    const seen = await remote.timelockBeacon!();
    expect(seen).toMatchObject({
      publicKey: mine.publicKey,
      lastStoredRound: mine.lastStoredRound,
      period: 3,
      genesisTime: 0,
      headBlock: mine.headBlock,
      now: mine.now,
    });
    const q = api.query as unknown as Record<
      string,
      Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>
    >;
    const pulse = (await q.drand!.pulses!(mine.lastStoredRound)).toJSON() as { signature: string; round: number };
    expect(pulse.round).toBe(Number(mine.lastStoredRound));
    expect(verifyBeaconSignature(mine.publicKey, mine.lastStoredRound, pulse.signature)).toBe(true);
    expect((await q.drand!.pulses!(mine.lastStoredRound + 1n)).toJSON()).toBeNull();
  });

  it('accepts a timelocked commit through @polkadot/api, stores it, and reveals it at the epoch with events', async () => {
    await remote.submit(bob, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: minerHot.address },
    });
    // leave room before the next epoch, so the commit counts for it
    while ((await local.subnet(1))!.nextEpochBlock! - local.head().number < 3) await local.advance(1);
    const nextEpoch = (await local.subnet(1))!.nextEpochBlock!;
    const beacon = (await remote.timelockBeacon!())!;
    const round = chooseRevealRound({ beacon, netuid: 1, tempo: 10, revealPeriod: 1, nextEpochBlock: nextEpoch });

    const payload = encodeWeightsPayload({ hotkey: ownerHot.publicKey, uids: [1], values: [65535], versionKey: 0n });
    const commit = `0x${Buffer.from(timelockEncrypt(payload, round, beacon.publicKey)).toString('hex')}`;
    const r = await remote.submit(ownerHot, {
      pallet: 'SubtensorModule',
      method: 'commit_timelocked_weights',
      args: { netuid: 1, commit, revealRound: round, commitRevealVersion: 4 },
    });
    const committed = r.events.find((e) => e.name === 'TimelockedWeightsCommitted');
    expect(committed?.data).toMatchObject({ hotkey: ownerHot.address, netuidIndex: 1, revealRound: round });
    const epoch = (await local.subnet(1))!.epochIndex!;
    const q = api.query as unknown as Record<
      string,
      Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>
    >;
    const stored = (await q.subtensorModule!.timelockedWeightCommits!(1, epoch)).toJSON() as unknown[][];
    expect(stored).toHaveLength(1);
    expect(stored[0]![2]).toBe(commit);
    expect(Number(stored[0]![3])).toBe(Number(round));
    // a stale round is refused with the chain's error name
    await expect(
      remote.submit(ownerHot, {
        pallet: 'SubtensorModule',
        method: 'commit_timelocked_weights',
        args: { netuid: 1, commit, revealRound: 1n, commitRevealVersion: 4 },
      }),
    ).rejects.toMatchObject({ details: { chainError: 'InvalidRevealRound' } });
    const events: ChainEvent[] = [];
    const seenBlocks: number[] = [];
    const off = remote.onEvents((evs, h) => {
      events.push(...evs);
      seenBlocks.push(h.number);
    });
    const revealed = () => events.some((e) => e.name === 'TimelockedWeightsRevealed');
    try {
      // revealed in the reveal epoch, at its first block or a few later (the round choice keeps slack);
      // one block at a time, each seen by the client before the next
      while (!revealed() && local.head().number < nextEpoch + 5) {
        const next = (await local.advance(1)).number;
        await vi.waitFor(() => expect(seenBlocks).toContain(next), { timeout: 30_000 });
      }
    } finally {
      off();
    }
    expect(revealed()).toBe(true);
    expect(events.find((e) => e.name === 'TimelockedWeightsRevealed')?.data).toMatchObject({
      netuidIndex: 1,
      hotkey: ownerHot.address,
    });
    expect((await remote.metagraph(1, { weights: true })).weights![0]).toEqual([[1, 65535]]);
  });
});
