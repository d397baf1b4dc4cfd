// sr25519 sign/verify throughput (wasm backend, against @polkadot/util-crypto's pure-JS sr25519 in
// the same run) and one SDK-cost Argon2i keyfile unlock (against one sr25519 verify). One JSON
// line per figure; rates are per CPU second (steadier than wall time on a shared machine).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sr25519Sign as jsSign, sr25519Verify as jsVerify } from '@polkadot/util-crypto';
import { Secret } from '../packages/core/src/util/secret.js';
import { initCrypto } from '../packages/core/src/wallet/crypto-ready.js';
import { sdkKdf } from '../packages/core/src/wallet/keyfile.js';
import { Keypair, verify } from '../packages/core/src/wallet/keypair.js';
import { printFigure } from './util.js';

await initCrypto();
const alice = Keypair.fromUri('//Alice');
// a dendrite-sized message: nonce.hotkey.hotkey.uuid.bodyhash
const message = new TextEncoder().encode(
  `1718000000123456789.${alice.address}.${alice.address}.9e1a4c6e-2a51-11ef-8f5c-0242ac120002.${'a'.repeat(64)}`,
);

/** Ops per wall-clock second and per CPU second (the second is steadier on a shared machine). */
function rate(fn: () => void, ms: number): { wall: number; cpu: number } {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { wall: Math.round((n * 1000) / wallMs), cpu: Math.round((n * 1000) / cpuMs) };
}

const signature = alice.sign(message);
const signPerSec = rate(() => alice.sign(message), 2000);
const verifyPerSec = rate(() => verify(message, signature, alice.address), 2000);
// the pure-JS path needs the raw secret: a throwaway pair from util-crypto's own derivation
const { sr25519PairFromSeed } = await import('@polkadot/util-crypto');
const jsPair = sr25519PairFromSeed(new Uint8Array(32).fill(7));
const jsSignature = jsSign(message, jsPair);
const jsSignPerSec = rate(() => jsSign(message, jsPair), 1000);
const jsVerifyPerSec = rate(() => jsVerify(message, jsSignature, jsPair.publicKey), 1000);
const kdfStart = performance.now();
const kdfCpu0 = process.cpuUsage();
sdkKdf(new Secret('bench-password'));
const kdfMs = performance.now() - kdfStart;
const kdfCpu = process.cpuUsage(kdfCpu0);
const kdfCpuMs = (kdfCpu.user + kdfCpu.system) / 1000;
const common = { loadAverage1m: os.loadavg()[0], messageBytes: message.length };

printFigure('wallet', {
  figure: 'sr25519 signatures per CPU second (wasm)',
  unit: 'signatures/CPU s',
  value: signPerSec.cpu,
  baseline: '@polkadot/util-crypto sr25519Sign (pure JS)',
  baselineValue: jsSignPerSec.cpu,
  wallPerSec: signPerSec.wall,
  ...common,
});
printFigure('wallet', {
  figure: 'sr25519 verifications per CPU second (wasm)',
  unit: 'verifications/CPU s',
  value: verifyPerSec.cpu,
  baseline: '@polkadot/util-crypto sr25519Verify (pure JS)',
  baselineValue: jsVerifyPerSec.cpu,
  wallPerSec: verifyPerSec.wall,
  ...common,
});
printFigure('wallet', {
  figure: 'Argon2i keyfile unlock at the SDK cost',
  unit: 'CPU ms',
  value: Math.round(kdfCpuMs),
  baseline: 'one sr25519 verification (CPU ms, wasm)',
  baselineValue: Number((1000 / verifyPerSec.cpu).toFixed(4)),
  wallMs: Math.round(kdfMs),
  ...common,
});
