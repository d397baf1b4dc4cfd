import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { initCrypto } from './crypto-ready.js';
import { Keypair } from './keypair.js';

// runs in its own process (forks pool): nothing has called initCrypto yet
describe('initCrypto', () => {
  it('keys refuse to work before it resolved, then work; repeated calls share one promise', async () => {
    let caught: unknown;
    try {
      Keypair.fromUri('//Alice');
    } catch (err) {
      caught = err;
    }
    expect(isSubnetkitError(caught, 'SK_WALLET_NOT_READY')).toBe(true);
    const first = initCrypto();
    expect(initCrypto()).toBe(first);
    await first;
    expect(Keypair.fromUri('//Alice').address).toBe('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
  });
});
