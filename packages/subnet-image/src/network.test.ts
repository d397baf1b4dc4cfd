import { createTestNetwork, incentiveByProfile } from '@subnetkit/core/testing';
import { expect, test } from 'vitest';
import subnet from './index.js';

test('honest image miners out-earn lazy, random and copycat miners', { tags: ['slow'] }, async () => {
  const net = await createTestNetwork({
    subnet,
    miners: ['honest', 'honest', 'lazy', 'random', 'copycat'],
    validators: 1,
    tempo: 10,
    seed: 1,
  });
  try {
    const summary = await net.runEpochs(3);
    const sn = summary.subnets[0];
    if (!sn) throw new Error('no subnet in the summary');
    const byProfile = incentiveByProfile(sn.neurons);
    expect(byProfile.honest).toBeGreaterThan(0);
    for (const cheater of ['lazy', 'random', 'copycat']) {
      expect(byProfile.honest as number).toBeGreaterThan(byProfile[cheater] ?? 0);
    }
  } finally {
    await net.close();
  }
});
