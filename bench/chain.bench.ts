// Local chain benchmark: signed extrinsics/s applied vs the single-core sr25519 verification bound,
// block time at an epoch boundary with 3 subnets × 256 uids (vs a plain block), disk bytes per
// 1,000 blocks (vs the state written by the set-up), cold start from disk (vs a fresh genesis).
// One JSON line per figure, each with its same-run baseline and their ratio.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCrypto, verifySr25519 } from '../packages/core/src/chain/local/crypto.js';
import { encodeExtrinsic, signingPayload } from '../packages/core/src/chain/local/extrinsic.js';
import type { GenesisConfig } from '../packages/core/src/chain/local/genesis.js';
import { createLocalChain, type LocalChain } from '../packages/core/src/chain/local/local-chain.js';
import { wasmSigner } from '../packages/core/src/chain/local/test-helpers.js';
import type { ChainCall } from '../packages/core/src/chain/types.js';
import type { Signer } from '../packages/core/src/util/signer.js';
import { median, printFigure } from './util.js';

const TAO = 1_000_000_000n;

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** CPU seconds (user + system) since `from`: robust on a shared, loaded machine. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

function settle(p: Promise<unknown>): void {
  p.catch(() => undefined);
}

await initCrypto();

// ---- 1. single-core sr25519 verification bound (same payload sizes as the extrinsics)
const senders = Array.from({ length: 64 }, (_, i) => wasmSigner(`bench-sender-${i}`));
const dest = wasmSigner('bench-dest').address;
const sample = signingPayload(`0x${'11'.repeat(32)}`, senders[0]?.address as string, 0, {
  pallet: 'Balances',
  method: 'transfer_keep_alive',
  args: { dest, value: 1000n },
});
const sig = senders[0]?.sign(sample) as Uint8Array;
const pk = senders[0]?.publicKey as Uint8Array;
const VERIFY_N = 1500;
function measureVerify(): { wall: number; cpu: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < VERIFY_N; i++) verifySr25519(sample, sig, pk);
  return { wall: VERIFY_N / ((performance.now() - t0) / 1000), cpu: VERIFY_N / cpuSince(c0) };
}

// ---- 2. signed extrinsics applied per second (persistent chain, 500 per block). Rounds alternate
// with the verification bound so that load drift on a shared machine hits both alike.
const tpsDir = mkdtempSync(join(tmpdir(), 'sk-bench-tps-'));
const tpsGenesis: GenesisConfig = { accounts: senders.map((s) => ({ address: s.address, balance: 1_000_000n * TAO })) };
const tpsChain = await createLocalChain({ dataDir: tpsDir, genesis: tpsGenesis, blockTime: 'manual' });
const ROUNDS = 4;
const TX_PER_ROUND = 2000;
const PER_BLOCK = 500;
const nonces = new Map<string, number>();
const verifyWall: number[] = [];
const verifyCpu: number[] = [];
const applyWall: number[] = [];
const applyCpu: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const wires: Uint8Array[] = [];
  for (let i = 0; i < TX_PER_ROUND; i++) {
    const s = senders[i % senders.length] as Signer;
    const nonce = nonces.get(s.address) ?? 0;
    nonces.set(s.address, nonce + 1);
    const call: ChainCall = {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest, value: 1000n + BigInt(i) },
    };
    wires.push(encodeExtrinsic(tpsChain.sign(s, call, nonce)));
  }
  const v = measureVerify();
  verifyWall.push(v.wall);
  verifyCpu.push(v.cpu);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results: Promise<unknown>[] = [];
  for (let i = 0; i < TX_PER_ROUND; i++) {
    results.push(tpsChain.submitExtrinsic(wires[i] as Uint8Array));
    if (i % PER_BLOCK === PER_BLOCK - 1) tpsChain.produceBlock();
  }
  await Promise.all(results);
  applyWall.push(TX_PER_ROUND / ((performance.now() - t0) / 1000));
  applyCpu.push(TX_PER_ROUND / cpuSince(c0));
}
const verifyPerSec = median(verifyWall);
const verifyPerCpuSec = median(verifyCpu);
const applyPerSec = median(applyWall);
const applyPerCpuSec = median(applyCpu);
await tpsChain.close();
rmSync(tpsDir, { recursive: true, force: true });

// ---- 3. epoch-boundary block time, 3 subnets × 256 uids
const dir = mkdtempSync(join(tmpdir(), 'sk-bench-chain-'));
const owner = wasmSigner('bench-owner');
const funders = Array.from({ length: 3 }, (_, i) => wasmSigner(`bench-funder-${i}`));
const validators = Array.from({ length: 3 }, (_, n) =>
  Array.from({ length: 64 }, (_, i) => wasmSigner(`bench-v-${n}-${i}`)),
);
const TEMPO = 20;
const genesis: GenesisConfig = {
  accounts: [owner, ...funders].map((s) => ({ address: s.address, balance: 10_000_000n * TAO })),
  subnets: [1, 2, 3].map((netuid) => ({
    netuid,
    owner: owner.address,
    ownerHotkey: wasmSigner(`bench-owner-hot-${netuid}`).address,
    // commit-reveal off (the chain default is on, v4): this bench measures epochs over plain set_weights
    hyperparameters: {
      tempo: TEMPO,
      weightsRateLimit: 1,
      immunityPeriod: 10_000,
      maxBurn: TAO,
      commitRevealWeightsEnabled: false,
    },
  })),
  params: { sudo: owner.address, maxEpochsPerBlock: 3 },
};
const chain: LocalChain = await createLocalChain({ dataDir: dir, genesis, blockTime: 'manual' });
async function run(batch: [Signer, ChainCall][]): Promise<void> {
  const ps = batch.map(([s, c]) => chain.submit(s, c));
  for (const p of ps) settle(p);
  chain.produceBlock();
  await Promise.allSettled(ps);
}
for (let netuid = 1; netuid <= 3; netuid++) {
  const funder = funders[netuid - 1] as Signer;
  const vs = validators[netuid - 1] as Signer[];
  const batch: [Signer, ChainCall][] = [];
  for (let i = 0; i < 255; i++) {
    const hotkey = i < 64 ? (vs[i] as Signer).address : wasmSigner(`bench-m-${netuid}-${i}`).address;
    batch.push([funder, { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid, hotkey } }]);
  }
  await run(batch);
  await run(
    vs.map((v, i) => [
      funder,
      {
        pallet: 'SubtensorModule',
        method: 'add_stake',
        args: { hotkey: v.address, netuid, amountStaked: BigInt(100 + i) * TAO },
      },
    ]),
  );
}
const ns = await Promise.all([1, 2, 3].map((n) => chain.subnet(n)));
// align the three epochs on one block (set_tempo restarts each cycle at the same block)
await run(
  [1, 2, 3].map((netuid) => [
    owner,
    { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid, name: 'tempo', value: TEMPO } },
  ]),
);
await chain.advance(TEMPO); // first epoch: validator permits
for (let round = 0; round < 2; round++) {
  const batch: [Signer, ChainCall][] = [];
  for (let netuid = 1; netuid <= 3; netuid++) {
    for (const v of validators[netuid - 1] as Signer[]) {
      const dests = Array.from({ length: 256 }, (_, j) => j);
      const weights = dests.map((j) => ((j * 7919 + round) % 65535) + 1);
      batch.push([
        v,
        { pallet: 'SubtensorModule', method: 'set_weights', args: { netuid, dests, weights, versionKey: 0n } },
      ]);
    }
  }
  await run(batch);
  await chain.advance(TEMPO - 1);
}
const mg = await chain.metagraph(1);
const epochBlockMs: number[] = [];
const plainBlockMs: number[] = [];
for (let i = 0; i < 3 * TEMPO; i++) {
  const s = await chain.subnet(1);
  const isEpoch = s?.nextEpochBlock === (await chain.blockNumber()) + 1;
  const t0 = performance.now();
  chain.produceBlock();
  (isEpoch ? epochBlockMs : plainBlockMs).push(performance.now() - t0);
}

// ---- 4. disk bytes per 1,000 blocks (idle network with epochs)
const before = dirBytes(dir);
await chain.advance(1000);
const after = dirBytes(dir);
const stateHash = chain.stateHash();
await chain.close();

// ---- 5. cold start (baseline: building the same genesis in memory)
const g0 = performance.now();
const fresh = await createLocalChain({ genesis, blockTime: 'manual' });
const freshMs = performance.now() - g0;
await fresh.close();
const t = performance.now();
const reopened = await createLocalChain({ dataDir: dir, blockTime: 'manual' });
const coldStartMs = performance.now() - t;
const sameHash = reopened.stateHash() === stateHash;
await reopened.close();
rmSync(dir, { recursive: true, force: true });

if (!sameHash) throw new Error('the reopened chain has another state hash');
printFigure('chain', {
  figure: 'signed extrinsics applied per CPU second (balances transfers)',
  unit: 'extrinsics/CPU s',
  value: Math.round(applyPerCpuSec),
  baseline: 'sr25519 verifications per CPU second (wasm, one core): the bound',
  baselineValue: Math.round(verifyPerCpuSec),
  wallPerSec: Math.round(applyPerSec),
  wallVerifyPerSec: Math.round(verifyPerSec),
});
printFigure('chain', {
  figure: `epoch-boundary block, ${ns.length} subnets × ${mg.n} uids`,
  unit: 'ms (median)',
  value: Number(median(epochBlockMs).toFixed(1)),
  baseline: 'plain block of the same chain (median ms)',
  baselineValue: Number(median(plainBlockMs).toFixed(2)),
  epochBlocksMeasured: epochBlockMs.length,
});
printFigure('chain', {
  figure: 'disk bytes per 1,000 idle blocks (with epochs)',
  unit: 'bytes',
  value: after - before,
  baseline: 'bytes on disk after the set-up (registrations, stakes, weights)',
  baselineValue: before,
});
printFigure('chain', {
  figure: 'cold start from the data dir (state hash checked)',
  unit: 'ms',
  value: Math.round(coldStartMs),
  baseline: 'building the same genesis in memory',
  baselineValue: Math.round(freshMs),
  diskBytesTotal: after,
});
