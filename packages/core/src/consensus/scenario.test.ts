import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { runScenario } from './scenario.js';

const worked = {
  n: 4,
  hyperparameters: { tao_weight: 0 },
  state: {
    stake: [3_000_000_000, 1_000_000_000],
    validator_permit: [true, true],
    last_update: [1000, 1000, 500, 500],
    block_at_registration: [100, 100, 100, 100],
    weights: [
      [
        [2, 65535],
        [3, 21845],
      ],
      [
        [2, 32768],
        [3, 65535],
      ],
    ],
  },
  epochs: [
    { block: 1080, emission: '1000000000', updates_last_step_block: true },
    { block: 1440, emission: 1_000_000_000 },
  ],
};

function errorOf(f: () => unknown): { code: string; message: string; field: unknown } {
  try {
    f();
  } catch (err) {
    if (isSubnetkitError(err)) return { code: err.code, message: err.message, field: err.details.field };
    throw err;
  }
  throw new Error('expected an error');
}

describe('runScenario', () => {
  it('reproduces the worked example of the spec and carries state into the next epoch', () => {
    const r = runScenario(worked);
    expect(r.epochs[0]?.emission).toEqual([420659421, 79340578, 360465248, 139534751]);
    expect(r.epochs[0]?.bonds_u16[0]).toEqual([
      [2, 4915],
      [3, 1638],
    ]);
    expect(r.epochs[1]?.last_tempo).toBe(1081);
    expect(r.epochs[1]?.ema_bonds_bits?.[0]?.[0]).toEqual([2, 612025466]);
    expect(r.final_state.n).toBe(4);
  });

  it('applies set_weights with max-upscaling and register by appending a uid', () => {
    const r = runScenario({
      ...worked,
      epochs: [
        {
          block: 1080,
          emission: 0,
          actions: [
            { type: 'set_weights', uid: 1, dests: [2, 3], values: [30000, 10000], block: 1070 },
            { type: 'register', uid: 4, block: 1075, stake: 5 },
          ],
        },
      ],
    });
    expect(r.final_state.weights?.[1]).toEqual([
      [2, 65535],
      [3, 21845],
    ]);
    expect(r.final_state.n).toBe(5);
    expect(r.final_state.block_at_registration[4]).toBe(1075);
    expect(r.epochs[0]?.server_emission).toEqual([0, 0, 0, 0, 0]);
  });

  it('saturates stakes beyond the I64F64 range, as the chain does', () => {
    const r = runScenario({ ...worked, state: { ...worked.state, stake: ['18000000000000000000', 1] } });
    expect(r.epochs[0]?.stake_raw_u64[0]).toBe('9223372036854775807');
  });

  it('writes u64 values above 2^53 as decimal strings', () => {
    const r = runScenario({ ...worked, state: { ...worked.state, stake: ['10000000000000001', 1] } });
    expect(r.epochs[0]?.stake_raw_u64[0]).toBe('10000000000000001');
  });

  it('rejects a malformed scenario naming the field', () => {
    const bad = { ...worked, epochs: [{ block: 1080, emission: -5 }] };
    expect(errorOf(() => runScenario(bad))).toMatchObject({
      code: 'SK_CONSENSUS_BAD_SCENARIO',
      field: 'epochs[0].emission',
    });
    const typo = { ...worked, hyperparameters: { kapa: 1 } };
    expect(errorOf(() => runScenario(typo)).message).toMatch(/hyperparameters/);
    const badAction = {
      ...worked,
      epochs: [{ block: 1, emission: 1, actions: [{ type: 'set_permit', uid: 9, value: true }] }],
    };
    expect(errorOf(() => runScenario(badAction))).toMatchObject({ field: 'epochs[0].actions[0].uid' });
    expect(errorOf(() => runScenario('nope')).code).toBe('SK_CONSENSUS_BAD_SCENARIO');
  });
});
