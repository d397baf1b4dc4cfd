import { createTestNetwork, incentiveByProfile } from '@subnetkit/core/testing';
import { expect, it } from 'vitest';
import text from './index.js';

it('pays honest text miners more than lazy, random and copycat miners after a few epochs', {
  tags: ['slow'],
}, async () => {
  const net = await createTestNetwork({
    subnet: text,
    miners: ['honest', 'honest', 'lazy', 'random', 'copycat'],
    validators: 1,
    tempo: 10,
    seed: 1,
  });
  try {
    const summary = await net.runEpochs(3);
    const by = incentiveByProfile(summary.subnets[0]?.neurons ?? []);
    const honest = by.honest ?? 0;
    expect(honest).toBeGreaterThan(0);
    for (const cheater of ['lazy', 'random', 'copycat']) {
      expect(honest, `honest ${honest} vs ${cheater} ${by[cheater]}`).toBeGreaterThan(by[cheater] ?? 0);
    }
  } finally {
    await net.close();
  }
});
