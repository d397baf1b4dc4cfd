import { describe, expect, it } from 'vitest';
import { weightCommitHash } from '../codec/commit-hash.js';
import type { ChainCall } from '../types.js';
import { createDevSigner } from './crypto.js';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain, type LocalChain } from './local-chain.js';
import type { Hyper } from './params.js';
import { chainError, dev, include, invariantViolations } from './test-helpers.js';

const TAO = 1_000_000_000n;

async function setup(hyper: Partial<Hyper> = {}, subnets = 1): Promise<LocalChain> {
  return createLocalChain({
    blockTime: 'manual',
    genesis: devGenesis({ subnets, hyperparameters: { tempo: 10, ...hyper } }),
  });
}
const reg = (netuid: number, hotkey: string): ChainCall => ({
  pallet: 'SubtensorModule',
  method: 'burned_register',
  args: { netuid, hotkey },
});
describe('balances', () => {
  it('keeps the existential deposit on transfer_keep_alive and refuses dust accounts', async () => {
    const c = await setup();
    const fresh = createDevSigner('//Fresh');
    expect(
      await chainError(
        include(c, dev.alice, {
          pallet: 'Balances',
          method: 'transfer_keep_alive',
          args: { dest: fresh.address, value: 499n },
        }),
      ),
    ).toBe('ExistentialDeposit');
    await include(c, dev.alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: fresh.address, value: 1000n },
    });
    expect(
      await chainError(
        include(c, fresh, {
          pallet: 'Balances',
          method: 'transfer_keep_alive',
          args: { dest: dev.bob.address, value: 600n },
        }),
      ),
    ).toBe('Expendability');
    expect(
      await chainError(
        include(c, fresh, {
          pallet: 'Balances',
          method: 'transfer_keep_alive',
          args: { dest: dev.bob.address, value: 2000n },
        }),
      ),
    ).toBe('InsufficientBalance');
    // allow_death reaps the account; the dust leaves issuance
    await include(c, fresh, {
      pallet: 'Balances',
      method: 'transfer_allow_death',
      args: { dest: dev.bob.address, value: 600n },
    });
    expect(await c.balance(fresh.address)).toBe(0n);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });
});

describe('registration', () => {
  it('charges the burn into the pool, bumps it ×1.26 and decays it per block', async () => {
    const c = await setup({}, 2);
    const burn0 = await c.burnCost(1);
    const pool0 = (await c.subnet(1))?.taoIn as bigint;
    const bal0 = await c.balance(dev.bob.address);
    const done = c.submit(dev.bob, reg(1, dev.minerHot.address));
    const header = await c.advance(1);
    await done;
    // the extrinsic paid the burn after this block's decay
    const paid = bal0 - (await c.balance(dev.bob.address));
    expect(paid).toBeLessThan(burn0);
    const info = await c.subnet(1);
    expect(info?.taoIn).toBeGreaterThan(pool0 + paid - 1n);
    expect(await c.burnCost(1)).toBe((paid * ((126n << 64n) / 100n)) >> 64n);
    expect(header.number).toBe(1);
    await c.advance(5);
    expect(await c.burnCost(1)).toBeLessThan((paid * ((126n << 64n) / 100n)) >> 64n);
    expect(await chainError(include(c, dev.bob, reg(1, dev.minerHot.address)))).toBe('HotKeyAlreadyRegisteredInSubNet');
    expect(await chainError(include(c, dev.charlie, reg(2, dev.minerHot.address)))).toBe('NonAssociatedColdKey');
    expect(await chainError(include(c, dev.bob, reg(0, dev.minerHot.address)))).toBe(
      'RegistrationNotPermittedOnRootSubnet',
    );
    expect(await chainError(include(c, dev.bob, reg(9, dev.minerHot.address)))).toBe('SubnetNotExists');
    await c.close();
  });

  it('prunes the lowest-emission non-immune uid when the subnet is full, never the owner', async () => {
    const c = await setup({ maxAllowedUids: 3, immunityPeriod: 2, minNonImmuneUids: 0 });
    const h1 = createDevSigner('//Bob//h1');
    const h2 = createDevSigner('//Bob//h2');
    const h3 = createDevSigner('//Bob//h3');
    await include(c, dev.bob, reg(1, h1.address));
    await include(c, dev.bob, reg(1, h2.address));
    await c.advance(3);
    await include(c, dev.bob, reg(1, h3.address));
    const mg = await c.metagraph(1);
    expect(mg.n).toBe(3);
    expect(mg.hotkeys[0]).toBe(dev.ownerHot.address);
    // h1 registered first and had no emission: pruned, its uid reused
    expect(await c.uidOf(1, h1.address)).toBeNull();
    expect(await c.uidOf(1, h3.address)).toBe(1);
    expect(mg.blockAtRegistration[1]).toBe(await c.blockNumber());
    await c.close();
  });

  it('registers a subnet for the lock cost, the owner hotkey at uid 0; staking waits for start_call', async () => {
    const c = await setup({}, 0);
    const cost = await c.networkLockCost();
    const hot = createDevSigner('//Bob//owner');
    await include(c, dev.bob, { pallet: 'SubtensorModule', method: 'register_network', args: { hotkey: hot.address } });
    const s = await c.subnet(1);
    expect(s?.owner).toBe(dev.bob.address);
    expect(s?.taoIn).toBe(cost);
    expect(await c.uidOf(1, hot.address)).toBe(0);
    expect(await c.networkLockCost()).toBeGreaterThan(cost);
    const stake: ChainCall = {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: hot.address, netuid: 1, amountStaked: TAO },
    };
    expect(await chainError(include(c, dev.bob, stake))).toBe('SubtokenDisabled');
    expect(
      await chainError(
        include(c, dev.charlie, { pallet: 'SubtensorModule', method: 'start_call', args: { netuid: 1 } }),
      ),
    ).toBe('NotSubnetOwner');
    await include(c, dev.bob, { pallet: 'SubtensorModule', method: 'start_call', args: { netuid: 1 } });
    await include(c, dev.bob, stake);
    expect(await c.stake(hot.address, dev.bob.address, 1)).toBeGreaterThan(0n);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });
});

describe('set_subnet_identity', () => {
  it('lets only the owner name the subnet, within 256 bytes, and changes nothing when refused', async () => {
    const c = await setup();
    const name = (n: string, netuid = 1): ChainCall => ({
      pallet: 'SubtensorModule',
      method: 'set_subnet_identity',
      args: { netuid, name: n },
    });
    const r = await include(c, dev.alice, name('ñame'));
    expect(r.events.map((e) => [e.name, e.data.netuid])).toContainEqual(['SubnetIdentitySet', 1]);
    expect((await c.subnet(1))?.name).toBe('ñame');
    expect(await chainError(include(c, dev.bob, name('mine')))).toBe('NotSubnetOwner');
    // 128 two-byte characters fit, one more byte does not
    await include(c, dev.alice, name('é'.repeat(128)));
    expect(await chainError(include(c, dev.alice, name(`${'é'.repeat(128)}x`)))).toBe('InvalidIdentity');
    expect(await chainError(include(c, dev.alice, name('x', 9)))).toBe('SubnetNotExists');
    expect((await c.subnet(1))?.name).toBe('é'.repeat(128));
    await c.close();
  });
});

describe('serve_axon', () => {
  it('validates registration, ip type, address, rate limit and port in the chain order', async () => {
    const c = await setup({ servingRateLimit: 5 });
    const axon = (ip: string, port = 8091, ipType: 4 | 6 = 4): ChainCall => ({
      pallet: 'SubtensorModule',
      method: 'serve_axon',
      args: { netuid: 1, version: 1, ip, port, ipType, protocol: 4 },
    });
    expect(await chainError(include(c, dev.minerHot, axon('10.0.0.1')))).toBe('HotKeyNotRegisteredInNetwork');
    await include(c, dev.bob, reg(1, dev.minerHot.address));
    expect(
      await chainError(
        include(c, dev.minerHot, {
          ...axon('10.0.0.1'),
          args: { ...axon('10.0.0.1').args, ipType: 5 },
        } as unknown as ChainCall),
      ),
    ).toBe('InvalidIpType');
    expect(await chainError(include(c, dev.minerHot, axon('127.0.0.1')))).toBe('InvalidIpAddress');
    expect(await chainError(include(c, dev.minerHot, axon('300.0.0.1')))).toBe('InvalidIpAddress');
    expect(await chainError(include(c, dev.minerHot, axon('::1', 1, 6)))).toBe('InvalidIpAddress');
    expect(await chainError(include(c, dev.minerHot, axon('10.0.0.1', 0)))).toBe('InvalidPort');
    const ok = await include(c, dev.minerHot, axon('10.0.0.1'));
    expect(ok.events[0]?.name).toBe('AxonServed');
    expect(await chainError(include(c, dev.minerHot, axon('10.0.0.2')))).toBe('ServingRateLimitExceeded');
    const mg = await c.metagraph(1);
    expect(mg.axons[1]).toMatchObject({ ip: '10.0.0.1', port: 8091, ipType: 4, protocol: 4 });
    await c.advance(5);
    await include(c, dev.minerHot, axon('2001:db8::1', 9000, 6));
    expect((await c.metagraph(1)).axons[1]).toMatchObject({ ip: '2001:db8::1', ipType: 6 });
    await c.close();
  });
});

describe('set_weights', () => {
  it('enforces every check with subtensor names', async () => {
    const c = await setup({ weightsRateLimit: 3, minAllowedWeights: 2, commitRevealWeightsEnabled: false });
    await include(c, dev.bob, reg(1, dev.minerHot.address));
    await include(c, dev.charlie, reg(1, dev.validatorHot.address));
    const sw = (dests: number[], weights: number[], versionKey = 0n, netuid = 1): ChainCall => ({
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid, dests, weights, versionKey },
    });
    expect(await chainError(include(c, dev.validatorHot, sw([0, 1], [1, 1])))).toBe('SettingWeightsTooFast');
    expect(await chainError(include(c, dev.validatorHot, sw([1], [1], 0n, 0)))).toBe('CanNotSetRootNetworkWeights');
    expect(await chainError(include(c, dev.validatorHot, sw([1, 2], [1])))).toBe('WeightVecNotEqualSize');
    expect(await chainError(include(c, dev.validatorHot, sw([0, 1, 2, 0], [1, 1, 1, 1])))).toBe(
      'UidsLengthExceedUidsInSubNet',
    );
    expect(await chainError(include(c, dev.dave, sw([1], [1])))).toBe('HotKeyNotRegisteredInSubNet');
    expect(await chainError(include(c, dev.validatorHot, sw([0, 1], [1, 1])))).toBe('NeuronNoValidatorPermit');
    // a self-weight is allowed without a permit
    await include(c, dev.validatorHot, sw([2], [1]));
    // the owner hotkey needs no permit; duplicate, invalid and too-short vectors fail
    await c.advance(3);
    expect(await chainError(include(c, dev.ownerHot, sw([1, 1], [1, 1])))).toBe('DuplicateUids');
    expect(await chainError(include(c, dev.ownerHot, sw([1, 7], [1, 1])))).toBe('UidVecContainInvalidOne');
    expect(await chainError(include(c, dev.ownerHot, sw([1], [1])))).toBe('WeightVecLengthIsLow');
    await include(c, dev.alice, {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'weights_version_key', value: 5n },
    });
    expect(await chainError(include(c, dev.ownerHot, sw([1, 2], [1, 2], 4n)))).toBe('IncorrectWeightVersionKey');
    const ok = await include(c, dev.ownerHot, sw([1, 2], [1, 2], 5n));
    expect(ok.events.map((e) => e.name)).toContain('WeightsSet');
    expect((await c.metagraph(1, { weights: true })).weights?.[0]).toEqual([
      [1, 32768],
      [2, 65535],
    ]);
    expect((await c.metagraph(1)).lastUpdate[0]).toBe(await c.blockNumber());
    await c.close();
  });

  it('commit-reveal v2: commit, reveal only in the reveal epoch, expiry', async () => {
    const c = await setup({ commitRevealWeightsEnabled: true, weightsRateLimit: 1, tempo: 5 });
    await include(c, dev.bob, reg(1, dev.minerHot.address));
    const pk = dev.ownerHot.publicKey;
    const uids = [1];
    const values = [65535];
    const salt = [7, 8];
    const hash = weightCommitHash(pk, 1, uids, values, salt, 0n);
    expect(
      await chainError(
        include(c, dev.ownerHot, {
          pallet: 'SubtensorModule',
          method: 'set_weights',
          args: { netuid: 1, dests: uids, weights: values, versionKey: 0n },
        }),
      ),
    ).toBe('CommitRevealEnabled');
    await c.advance(1);
    await include(c, dev.ownerHot, {
      pallet: 'SubtensorModule',
      method: 'commit_weights',
      args: { netuid: 1, commitHash: hash },
    });
    const reveal: ChainCall = {
      pallet: 'SubtensorModule',
      method: 'reveal_weights',
      args: { netuid: 1, uids, values, salt, versionKey: 0n },
    };
    expect(await chainError(include(c, dev.ownerHot, reveal))).toBe('RevealTooEarly');
    const wrong: ChainCall = {
      pallet: 'SubtensorModule',
      method: 'reveal_weights',
      args: { netuid: 1, uids, values, salt: [1], versionKey: 0n },
    };
    expect(await chainError(include(c, dev.ownerHot, wrong))).toBe('InvalidRevealCommitHashNotMatch');
    const epoch0 = (await c.subnet(1))?.epochIndex as number;
    while (((await c.subnet(1))?.epochIndex as number) < epoch0 + 1) await c.advance(1);
    const r = await include(c, dev.ownerHot, reveal);
    expect(r.events.map((e) => e.name)).toEqual(['WeightsSet', 'WeightsRevealed', 'ExtrinsicSuccess']);
    expect(await chainError(include(c, dev.ownerHot, reveal))).toBe('NoWeightsCommitFound');
    // a commit not revealed in its window expires
    await include(c, dev.ownerHot, {
      pallet: 'SubtensorModule',
      method: 'commit_weights',
      args: { netuid: 1, commitHash: hash },
    });
    const e1 = (await c.subnet(1))?.epochIndex as number;
    while (((await c.subnet(1))?.epochIndex as number) < e1 + 2) await c.advance(1);
    expect(await chainError(include(c, dev.ownerHot, reveal))).toBe('ExpiredWeightCommit');
    await c.close();
  });
});

describe('staking', () => {
  it('adds and removes stake through the pool with the fee and minimums', async () => {
    // no epoch during the test, so the stake does not grow between reading and removing it
    const c = await setup({ tempo: 1000 });
    await include(c, dev.bob, reg(1, dev.minerHot.address));
    const add = (amount: bigint, hotkey = dev.minerHot.address): ChainCall => ({
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey, netuid: 1, amountStaked: amount },
    });
    expect(await chainError(include(c, dev.charlie, add(1000n)))).toBe('AmountTooLow');
    expect(await chainError(include(c, dev.charlie, add(TAO, createDevSigner('//Nobody').address)))).toBe(
      'HotKeyAccountNotExists',
    );
    const poor = createDevSigner('//Poor');
    await include(c, dev.alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: poor.address, value: TAO },
    });
    expect(await chainError(include(c, poor, add(2n * TAO)))).toBe('NotEnoughBalanceToStake');
    const r = await include(c, dev.charlie, add(10n * TAO));
    const ev = r.events.find((e) => e.name === 'StakeAdded');
    expect(ev?.data).toMatchObject({
      coldkey: dev.charlie.address,
      hotkey: dev.minerHot.address,
      tao: 10n * TAO,
      netuid: 1,
    });
    expect(ev?.data.fee).toBe((10n * TAO * 33n) / 65535n);
    const held = await c.stake(dev.minerHot.address, dev.charlie.address, 1);
    expect(held).toBe(ev?.data.alpha);
    expect(await c.stakesOf(dev.charlie.address)).toEqual([
      { hotkey: dev.minerHot.address, coldkey: dev.charlie.address, netuid: 1, stake: held },
    ]);
    const rm = (amount: bigint): ChainCall => ({
      pallet: 'SubtensorModule',
      method: 'remove_stake',
      args: { hotkey: dev.minerHot.address, netuid: 1, amountUnstaked: amount },
    });
    expect(await chainError(include(c, dev.charlie, rm(held + 1n)))).toBe('NotEnoughStakeToWithdraw');
    expect(await chainError(include(c, dev.charlie, rm(1n)))).toBe('AmountTooLow');
    const bal = await c.balance(dev.charlie.address);
    // stake may have grown since (dividends reach the hotkey's pool): remove all of it
    const all = await c.stake(dev.minerHot.address, dev.charlie.address, 1);
    expect(all).toBeGreaterThanOrEqual(held);
    const done = c.submit(dev.charlie, rm(all));
    await c.advance(1);
    const out = await done;
    expect(out.events[0]?.name).toBe('StakeRemoved');
    expect(await c.balance(dev.charlie.address)).toBeGreaterThan(bal + 9n * TAO);
    expect(await c.stake(dev.minerHot.address, dev.charlie.address, 1)).toBe(0n);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });
});

describe('hyperparameters', () => {
  it('lets the owner set within bounds and refuses others', async () => {
    const c = await setup();
    const set = (name: string, value: bigint | number | boolean): ChainCall => ({
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name, value },
    });
    expect(await chainError(include(c, dev.bob, set('immunity_period', 10)))).toBe('BadOrigin');
    await include(c, dev.alice, set('immunity_period', 10));
    expect((await c.hyperparameters(1)).immunityPeriod).toBe(10);
    expect(await chainError(include(c, dev.alice, set('commit_reveal_weights_interval', 101)))).toBe(
      'RevealPeriodTooLarge',
    );
    expect(await chainError(include(c, dev.alice, set('max_allowed_uids', 300)))).toBe(
      'MaxAllowedUidsGreaterThanDefaultMaxAllowedUids',
    );
    expect(await chainError(include(c, dev.alice, set('min_burn', 2n * TAO)))).toBe('ValueNotInBounds');
    // on by default, as on the chain
    expect((await c.hyperparameters(1)).commitRevealWeightsEnabled).toBe(true);
    await include(c, dev.alice, set('commit_reveal_weights_enabled', false));
    expect((await c.hyperparameters(1)).commitRevealWeightsEnabled).toBe(false);
    await expect(include(c, dev.alice, set('no_such_thing', 1))).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
    await c.close();
  });
});

describe('emission', () => {
  it('mints one TAO per block across emitting subnets and pays the owner cut at the epoch', async () => {
    const c = await setup({ tempo: 10 }, 2);
    const i0 = await c.totalIssuance();
    await c.advance(10);
    expect(await c.totalIssuance()).toBe(i0 + 10n * TAO);
    await c.advance(2);
    // the owner hotkey holds the owner cut (18 % of alpha emission) after its first epoch
    expect(await c.stake(dev.ownerHot.address, dev.alice.address, 1)).toBeGreaterThan(0n);
    expect(invariantViolations(c)).toEqual([]);
    await c.close();
  });
});

describe('legacy registration rules (option)', () => {
  it('caps registrations per block and per interval and retargets the burn per interval', async () => {
    const c = await createLocalChain({
      blockTime: 'manual',
      genesis: {
        ...devGenesis({
          subnets: 1,
          hyperparameters: { tempo: 1000, adjustmentInterval: 10, targetRegistrationsPerInterval: 1 },
        }),
        params: { sudo: dev.alice.address, legacyRegistration: true },
      },
    });
    const keys = Array.from({ length: 4 }, (_, i) => createDevSigner(`//Bob//legacy/${i}`).address);
    const a = c.submit(dev.bob, reg(1, keys[0] as string));
    const b = c.submit(dev.bob, reg(1, keys[1] as string));
    b.catch(() => undefined);
    await c.advance(1);
    await a;
    expect(await chainError(b)).toBe('TooManyRegistrationsThisBlock');
    const burn = await c.burnCost(1);
    await include(c, dev.bob, reg(1, keys[2] as string));
    await include(c, dev.bob, reg(1, keys[3] as string));
    expect(await chainError(include(c, dev.bob, reg(1, createDevSigner('//Bob//legacy/9').address)))).toBe(
      'TooManyRegistrationsThisInterval',
    );
    expect(await c.burnCost(1)).toBe(burn);
    await c.advance(10);
    // 3 registrations against a target of 1: the burn doubles (×(3+1)/2) with AdjustmentAlpha 0
    expect(await c.burnCost(1)).toBe(burn * 2n);
    await c.close();
  });
});
