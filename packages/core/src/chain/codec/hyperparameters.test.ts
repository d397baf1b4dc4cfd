// The hyperparameter registry is the one table both backends read: these checks tie it to the
// local engine's state, to the setter lookup the subtensor backend used before the registry, and
// show that an alias is the same parameter (it shares the owner rate limit).
import { describe, expect, it } from 'vitest';
import { createLocalChain } from '../local/local-chain.js';
import { DEFAULT_HYPERPARAMETERS } from '../local/params.js';
import { chainError, dev, include } from '../local/test-helpers.js';
import {
  HYPERPARAMETERS,
  hyperparameterForSetter,
  hyperparameterSetters,
  hyperparameterSpec,
  hyperparameterStorage,
} from './hyperparameters.js';

describe('hyperparameter registry', () => {
  it('names are unique and every local field is a hyperparameter the engine stores', () => {
    const names = HYPERPARAMETERS.flatMap((s) => [s.name, ...('aliases' in s ? s.aliases : [])]);
    expect(new Set(names).size).toBe(names.length);
    for (const s of HYPERPARAMETERS) if ('field' in s) expect(DEFAULT_HYPERPARAMETERS).toHaveProperty(s.field);
    expect(hyperparameterSpec('weightsRateLimit')?.name).toBe('weights_set_rate_limit');
    expect(hyperparameterSpec('nope')).toBeUndefined();
  });

  it("finds each setter call the SDK's names map to", () => {
    expect(hyperparameterSetters('tempo').slice(0, 2)).toEqual([
      'SubtensorModule.set_tempo',
      'AdminUtils.sudo_set_tempo',
    ]);
    expect(hyperparameterSetters('max_uids')[0]).toBe('AdminUtils.sudo_set_max_allowed_uids');
    expect(hyperparameterSetters('yuma_version')[0]).toBe('AdminUtils.sudo_set_yuma3_enabled');
    expect(hyperparameterSetters('transfers_enabled')[0]).toBe('AdminUtils.sudo_set_toggle_transfer');
    expect(hyperparameterSetters('bondsMovingAvg')[0]).toBe('AdminUtils.sudo_set_bonds_moving_average');
    // a name outside the registry still gets the conventional setters
    expect(hyperparameterSetters('new_thing')).toEqual([
      'AdminUtils.sudo_set_new_thing',
      'SubtensorModule.set_new_thing',
    ]);
  });

  it('maps runtime-API fields to the storage items read without the API', () => {
    expect(hyperparameterStorage()).toMatchObject({
      maxValidators: 'MaxAllowedValidators',
      targetRegsPerInterval: 'TargetRegistrationsPerInterval',
      commitRevealPeriod: 'RevealPeriodEpochs',
      subnetIsActive: 'SubtokenEnabled',
    });
    expect(Object.keys(hyperparameterStorage())).toHaveLength(26);
  });

  it('the local engine resolves aliases to one parameter: an alias shares the owner rate limit', async () => {
    const c = await createLocalChain({
      blockTime: 'manual',
      genesis: {
        accounts: [{ address: dev.alice.address, balance: 10n ** 15n }],
        subnets: [{ netuid: 1, name: 'x', owner: dev.alice.address, ownerHotkey: dev.ownerHot.address }],
        params: { ownerHyperparamRateLimit: 2 },
      },
    });
    const set = (name: string, value: bigint) =>
      include(c, dev.alice, { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: 1, name, value } });
    const done = await set('weights_version_key', 5n);
    expect(done.events).toContainEqual(expect.objectContaining({ name: 'WeightsVersionKeySet' }));
    expect((await c.hyperparameters(1))?.weightsVersion).toBe(5n);
    expect(await chainError(set('weights_version', 6n))).toBe('TxRateLimitExceeded');
    expect(await chainError(set('weightsVersionKey', 6n))).toBe('TxRateLimitExceeded');
    await c.close();
  });
});

describe('setter call → hyperparameter (the devnet decodes setter extrinsics with this)', () => {
  it('reads the registry, then the sudo_set_<name> convention', () => {
    expect(hyperparameterForSetter('adminUtils', 'sudoSetToggleTransfer')).toBe('transfers_enabled');
    expect(hyperparameterForSetter('subtensorModule', 'set_tempo')).toBe('tempo');
    expect(hyperparameterForSetter('adminUtils', 'sudo_set_tempo')).toBe('tempo');
    expect(hyperparameterForSetter('AdminUtils', 'sudo_set_rho')).toBe('rho');
    expect(hyperparameterForSetter('adminUtils', 'sudo_set_max_uids')).toBe('max_allowed_uids');
    expect(hyperparameterForSetter('balances', 'transfer_keep_alive')).toBeNull();
  });
});
