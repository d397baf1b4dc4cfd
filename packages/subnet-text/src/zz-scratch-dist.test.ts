import { captureLogs, createTestNetwork } from '@subnetkit/core/testing';
import { it } from 'vitest';
import text from './index.js';

it('dbg', { timeout: 300_000 }, async () => {
  const logs = captureLogs('debug');
  const net = await createTestNetwork({ subnet: text, miners: ['honest', 'honest', 'lazy', 'random', 'copycat'], validators: 1, tempo: 10, seed: 1, logger: (logs as any).logger });
  try {
    const s = await net.runEpochs(1);
    console.log(JSON.stringify(s.subnets[0]?.neurons.map((n) => [n.profile, n.incentive]), (_k, v) => typeof v === 'bigint' ? String(v) : v));
  } finally { await net.close(); }
  const entries = (logs as any).lines ?? (logs as any).entries ?? [];
  const interesting = entries.filter((e: any) => e.level >= 40 || /step|reward|challenge/.test(e.event ?? ''));
  console.log(interesting.slice(0, 15).map((e: any) => JSON.stringify(e).slice(0, 600)).join('\n'));
});
