// sr25519 sign/verify throughput (wasm backend) and one SDK-cost Argon2i keyfile unlock.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Secret } from '../packages/core/src/util/secret.js';
import { initCrypto } from '../packages/core/src/wallet/crypto-ready.js';
import { sdkKdf } from '../packages/core/src/wallet/keyfile.js';
import { Keypair, verify } from '../packages/core/src/wallet/keypair.js';
import { printResult } from './util.js';

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
const fromMnemonicPerSec = rate(() => Keypair.fromUri('//Bob'), 1000);
const kdfStart = performance.now();
const kdfCpu0 = process.cpuUsage();
sdkKdf(new Secret('bench-password'));
const kdfMs = Math.round(performance.now() - kdfStart);
const kdfCpu = process.cpuUsage(kdfCpu0);

printResult('wallet', {
  signPerSec: signPerSec.wall,
  signPerCpuSec: signPerSec.cpu,
  verifyPerSec: verifyPerSec.wall,
  verifyPerCpuSec: verifyPerSec.cpu,
  devUriKeypairPerSec: fromMnemonicPerSec.wall,
  argon2iSdkUnlockMs: kdfMs,
  argon2iSdkUnlockCpuMs: Math.round((kdfCpu.user + kdfCpu.system) / 1000),
  loadAverage1m: os.loadavg()[0],
  messageBytes: message.length,
});
