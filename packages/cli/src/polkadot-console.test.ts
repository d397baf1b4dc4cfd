import { logger } from '@polkadot/util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietPolkadotConsole } from './polkadot-console.js';

describe('quietPolkadotConsole', () => {
  afterEach(() => vi.restoreAllMocks());

  it('drops @polkadot/util logger lines and keeps everything else', () => {
    const seen: unknown[][] = [];
    const fake = {
      error: (...a: unknown[]) => seen.push(a),
      warn: (...a: unknown[]) => seen.push(a),
      log: (...a: unknown[]) => seen.push(a),
    };
    quietPolkadotConsole(fake);
    // the real @polkadot/util logger writes to the global console: route that to the quieted fake
    for (const level of ['error', 'warn', 'log'] as const) vi.spyOn(console, level).mockImplementation(fake[level]);
    logger('RPC-CORE').error('submitAndWatchExtrinsic(extrinsic: Extrinsic): 1010: Invalid Transaction');
    logger('API/INIT').warn('FATAL: Unable to initialize the API');
    expect(seen).toEqual([]);
    fake.error('error SK_CHAIN_CONNECTION: the node is gone');
    fake.log('2026-11-25 16:11:05 is just a date');
    expect(seen).toEqual([['error SK_CHAIN_CONNECTION: the node is gone'], ['2026-11-25 16:11:05 is just a date']]);
  });

  it('keeps the lines when asked to (debug level)', () => {
    const seen: unknown[][] = [];
    const fake = { error: (...a: unknown[]) => seen.push(a), warn: () => undefined, log: () => undefined };
    quietPolkadotConsole(fake, true);
    fake.error('2026-11-25 16:11:05', '        RPC-CORE:', 'x');
    expect(seen).toHaveLength(1);
  });
});
