import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { dev, include, invariantViolations } from './test-helpers.js';

const TAO = 1_000_000_000n;

async function chainWithSubnet(hyper = {}) {
  return createLocalChain({
    blockTime: 'manual',
    genesis: devGenesis({ subnets: 1, hyperparameters: { commitRevealWeightsEnabled: false, ...hyper } }),
  });
}

describe('local chain: the common path', () => {
  it('registers, stakes, sets weights and pays incentive and dividends at the epoch', async () => {
    const chain = await chainWithSubnet({ tempo: 10 });
    const events: string[] = [];
    chain.onEvents((evs) => events.push(...evs.map((e) => e.name)));
    await include(chain, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.minerHot.address },
    });
    await include(chain, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.validatorHot.address },
    });
    expect(await chain.uidOf(1, dev.minerHot.address)).toBe(1);
    expect(await chain.uidOf(1, dev.validatorHot.address)).toBe(2);
    const staked = await include(chain, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: dev.validatorHot.address, netuid: 1, amountStaked: 100n * TAO },
    });
    expect(staked.events.map((e) => e.name)).toContain('StakeAdded');
    const alpha = await chain.stake(dev.validatorHot.address, dev.charlie.address, 1);
    expect(alpha).toBeGreaterThan(0n);
    // an epoch grants the validator permit (top stake)
    await chain.advance(12);
    let mg = await chain.metagraph(1);
    expect(mg.validatorPermit[2]).toBe(true);
    await include(chain, dev.validatorHot, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [1], weights: [65535], versionKey: 0n },
    });
    const before = await chain.stake(dev.minerHot.address, dev.bob.address, 1);
    const vBefore = await chain.stake(dev.validatorHot.address, dev.charlie.address, 1);
    await chain.advance(22);
    mg = await chain.metagraph(1, { weights: true, bonds: true });
    expect(mg.incentive[1]).toBeGreaterThan(0.99);
    expect(mg.dividends[2]).toBeGreaterThan(0.99);
    expect(mg.weights?.[2]).toEqual([[1, 65535]]);
    expect(await chain.stake(dev.minerHot.address, dev.bob.address, 1)).toBeGreaterThan(before);
    expect(await chain.stake(dev.validatorHot.address, dev.charlie.address, 1)).toBeGreaterThan(vBefore);
    expect(events).toContain('IncentiveAlphaEmittedToMiners');
    expect(invariantViolations(chain)).toEqual([]);
    await chain.close();
  });

  it('rejects a failing call with the subtensor error name and changes nothing but the nonce', async () => {
    const chain = await chainWithSubnet();
    const before = chain.stateHash();
    const nonce = chain.nonce(dev.dave.address);
    const err = await include(chain, dev.dave, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [0], weights: [1], versionKey: 0n },
    }).catch((e) => e);
    expect(isSubnetkitError(err, 'SK_CHAIN_EXTRINSIC_FAILED')).toBe(true);
    expect(err.details.chainError).toBe('HotKeyNotRegisteredInSubNet');
    expect(chain.nonce(dev.dave.address)).toBe(nonce + 1);
    expect(before).not.toBe(chain.stateHash());
    await chain.close();
  });

  it('reports NotEnoughBalanceToStake for an unfunded registration', async () => {
    const chain = await chainWithSubnet();
    const poor = (await import('./crypto.js')).createDevSigner('//Poor');
    const err = await include(chain, poor, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: poor.address },
    }).catch((e) => e);
    expect(err.code).toBe('SK_CHAIN_INSUFFICIENT_BALANCE');
    expect(err.details.chainError).toBe('NotEnoughBalanceToStake');
    await chain.close();
  });

  it('pays validator dividends to nominators pro rata, minus the take for the hotkey owner', async () => {
    const chain = await chainWithSubnet({ tempo: 10 });
    await include(chain, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.minerHot.address },
    });
    await include(chain, dev.charlie, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.validatorHot.address },
    });
    const stake = (coldkey: typeof dev.charlie) =>
      include(chain, coldkey, {
        pallet: 'SubtensorModule',
        method: 'add_stake',
        args: { hotkey: dev.validatorHot.address, netuid: 1, amountStaked: 50n * TAO },
      });
    await stake(dev.charlie);
    await stake(dev.dave);
    await chain.advance(12);
    await include(chain, dev.validatorHot, {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 1, dests: [1], weights: [1], versionKey: 0n },
    });
    const c0 = await chain.stake(dev.validatorHot.address, dev.charlie.address, 1);
    const d0 = await chain.stake(dev.validatorHot.address, dev.dave.address, 1);
    await chain.advance(11);
    const c1 = await chain.stake(dev.validatorHot.address, dev.charlie.address, 1);
    const d1 = await chain.stake(dev.validatorHot.address, dev.dave.address, 1);
    expect(d1).toBeGreaterThan(d0);
    // the owner (Charlie) also receives the 18 % take: he gains more than the nominator
    expect(c1 - c0).toBeGreaterThan(d1 - d0);
    expect(invariantViolations(chain)).toEqual([]);
    await chain.close();
  });

  it('counts root stake (netuid 0, 1:1) in the stake weight and keeps the accounting', async () => {
    const chain = await chainWithSubnet({ tempo: 10 });
    await include(chain, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.minerHot.address },
    });
    const r = await include(chain, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: dev.minerHot.address, netuid: 0, amountStaked: 1000n * TAO },
    });
    expect(r.events[0]?.data).toMatchObject({ alpha: 1000n * TAO, fee: 0n });
    const mg = await chain.metagraph(1);
    expect(mg.taoStake[1]).toBe(1000n * TAO);
    expect(mg.totalStake[1]).toBeGreaterThan(mg.alphaStake[1] as bigint);
    await chain.advance(25);
    expect(invariantViolations(chain)).toEqual([]);
    const issuance = chain.issuanceBreakdown();
    expect(issuance.accounted).toBe(issuance.totalIssuance);
    await chain.close();
  });
});
