import { DEFAULT_REQUESTS_PER_MINUTE, MNEMONIC_WORD_COUNTS } from '@subnetkit/core';
import { describe, expect, test } from 'vitest';
import { REQUESTS_PER_MINUTE } from './gateway-command.js';
import { WORD_COUNTS } from './wallet-command.js';

// The command definitions do not import @subnetkit/core (so `--help` starts without it) and keep
// their own copies of the few core constants their help texts and defaults show: they must match.
describe('command definitions', () => {
  test("repeat core's constants exactly", () => {
    expect(WORD_COUNTS).toEqual(MNEMONIC_WORD_COUNTS);
    expect(REQUESTS_PER_MINUTE).toBe(DEFAULT_REQUESTS_PER_MINUTE);
  });
});
