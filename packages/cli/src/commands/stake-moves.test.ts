import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../capture.test-helper.js';

// The stake calls of issue #23 on one embedded local chain (dev genesis: //Alice funded, subnet 1
// owned by Alice, root = subnet 0), driven only through the CLI's in-process entry.
let root: string;
let chain: string[];
let me: string[];
let coldkey: string;
let hotkey: string;
let otherColdkey: string;

const TAO = 1_000_000_000n;

const { run, json, refused } = cliInProcess(() => root);

interface Stake {
  hotkey: string;
  coldkey: string;
  netuid: number;
  stake: string;
}
/** Every stake of a coldkey (alpha rao) and its free balance: what a refusal must leave as it was. */
async function holdings() {
  const { stakes } = await json<{ stakes: Stake[] }>(['stake', 'list', ...me]);
  const balance = await json<{ wallets: { free: string }[] }>(['wallet', 'balance', ...me]);
  return { stakes, free: BigInt(balance.wallets[0]!.free) };
}
const stakeOn = (stakes: Stake[], netuid: number, hk = hotkey) =>
  BigInt(stakes.find((s) => s.netuid === netuid && s.hotkey === hk)?.stake ?? '0');

/** Subnet 1's pool price in rao per alpha (exact, from its reserves). */
async function priceRao(): Promise<bigint> {
  const subnets = await json<{ netuid: number; taoIn: string; alphaIn: string }[]>(['subnets', 'list', ...chain]);
  const s = subnets.find((x) => x.netuid === 1)!;
  return (BigInt(s.taoIn) * TAO) / BigInt(s.alphaIn);
}
const asTao = (rao: bigint) => `${rao / TAO}.${(rao % TAO).toString().padStart(9, '0')}`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-stake-'));
  chain = ['--network', 'local', '--data-dir', join(root, 'chain')];
  const wallets = ['--wallet-path', join(root, 'wallets')];
  for (const name of ['staker', 'other'])
    expect((await run(['wallet', 'create', '--name', name, '--no-password', ...wallets, '--json'])).code).toBe(0);
  const shown = await json<{ coldkey: string; hotkeys: { name: string; address: string }[] }>([
    'wallet',
    'show',
    '--name',
    'staker',
    ...wallets,
  ]);
  coldkey = shown.coldkey;
  hotkey = shown.hotkeys.find((h) => h.name === 'default')!.address;
  otherColdkey = (await json<{ coldkey: string }>(['wallet', 'show', '--name', 'other', ...wallets])).coldkey;
  me = ['--wallet', 'staker', ...wallets, ...chain];
  await json(['transfer', ...chain, '--from-uri', '//Alice', '--dest', coldkey, '--amount', '500', '--yes']);
  await json(['register', '--netuid', '1', '--yes', ...me]);
  // no epoch during the file: emission would otherwise add alpha between a read and the next command
  await json([
    'sudo',
    'set',
    '--netuid',
    '1',
    '--param',
    'tempo',
    '--value',
    '5000',
    '--from-uri',
    '//Alice',
    '--yes',
    ...chain,
  ]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('stake add/remove with a price limit (add_stake_limit, remove_stake_limit)', () => {
  it('refuses a limit the price is past or an amount past the limit, changing nothing; --allow-partial fills to it', async () => {
    const start = await holdings();
    const price = await priceRao();
    const add = ['stake', 'add', '--netuid', '1', '--yes', ...me];
    // the price is already above a buy limit at half of it
    await refused(
      [...add, '--amount', '10', '--limit-price', asTao(price / 2n)],
      'SK_CHAIN_EXTRINSIC_FAILED',
      1,
      /PriceLimitExceeded/,
    );
    // a limit 1% above the price: 200 TAO would push the price past it
    const limit = asTao(price + price / 100n);
    await refused(
      [...add, '--amount', '200', '--limit-price', limit],
      'SK_CHAIN_EXTRINSIC_FAILED',
      1,
      /SlippageTooHigh.*--allow-partial/,
    );
    await refused([...add, '--amount', '1', '--allow-partial'], 'SK_CLI_USAGE', 2);
    await refused([...add, '--amount', '1', '--limit-price', 'cheap'], 'SK_CLI_USAGE', 2);
    expect(await holdings()).toEqual(start);

    const partial = await json<{ netuid: number; hotkey: string; stake: string }>([
      ...add,
      '--amount',
      '200',
      '--limit-price',
      limit,
      '--allow-partial',
    ]);
    expect(partial).toMatchObject({ netuid: 1, hotkey });
    const afterPartial = await holdings();
    const spent = start.free - afterPartial.free;
    // filled up to the limit: some TAO, far less than the 200 asked for
    expect(spent).toBeGreaterThan(0n);
    expect(spent).toBeLessThan(200n * TAO);
    expect(BigInt(partial.stake)).toBe(stakeOn(afterPartial.stakes, 1));
    expect(BigInt(partial.stake)).toBeGreaterThan(0n);
    // the price now sits at (not past) the limit
    expect(await priceRao()).toBeLessThanOrEqual(price + price / 100n);

    // a generous limit lets a whole amount through
    await json([...add, '--amount', '20', '--limit-price', '1000']);
    const afterFull = await holdings();
    expect(afterPartial.free - afterFull.free).toBe(20n * TAO);

    // remove: a sell limit above the price is refused, nothing changes
    const remove = ['stake', 'remove', '--netuid', '1', '--yes', ...me];
    await refused(
      [...remove, '--amount', '1', '--limit-price', '1000'],
      'SK_CHAIN_EXTRINSIC_FAILED',
      1,
      /PriceLimitExceeded/,
    );
    expect(await holdings()).toEqual(afterFull);
    const sold = await json<{ stake: string }>([...remove, '--amount', '1', '--limit-price', '0.000000001']);
    expect(BigInt(sold.stake)).toBe(stakeOn(afterFull.stakes, 1) - TAO);
  });
});

describe('stake move, transfer, swap and remove --all', () => {
  it('moves real alpha between hotkeys, coldkeys and subnets; refusals change nothing', async () => {
    const start = await holdings();
    const have = stakeOn(start.stakes, 1);
    expect(have).toBeGreaterThan(3n * TAO);
    const ownerHotkey = (await json<{ netuid: number; ownerHotkey: string }[]>(['subnets', 'list', ...chain])).find(
      (s) => s.netuid === 1,
    )!.ownerHotkey;

    // bad input: usage errors before the chain; more alpha than held: the chain's refusal
    await refused(
      ['stake', 'swap', '--origin-netuid', '1', '--dest-netuid', '1', '--amount', '1', '--yes', ...me],
      'SK_CLI_USAGE',
      2,
    );
    await refused(
      ['stake', 'move', '--origin-netuid', '1', '--dest-netuid', '1', '--amount', '1', '--yes', ...me],
      'SK_CLI_USAGE',
      2,
    );
    await refused(['stake', 'remove', '--all', '--amount', '1', '--yes', ...me], 'SK_CLI_USAGE', 2);
    await refused(
      [
        'stake',
        'move',
        '--origin-netuid',
        '1',
        '--dest-netuid',
        '1',
        '--dest-hotkey',
        ownerHotkey,
        '--amount',
        '100000',
        '--yes',
        ...me,
      ],
      'SK_CHAIN_EXTRINSIC_FAILED',
      1,
      /NotEnoughStakeToWithdraw/,
    );
    await refused(
      ['stake', 'transfer', '--origin-netuid', '1', '--dest-coldkey', 'nobody', '--amount', '1', '--yes', ...me],
      'SK_CHAIN_BAD_INPUT',
      1,
    );
    // no --yes and no terminal: not confirmed, nothing moves
    await refused(
      ['stake', 'swap', '--origin-netuid', '1', '--dest-netuid', '0', '--amount', '1', ...me],
      'SK_CLI_ABORTED',
      1,
    );
    expect(await holdings()).toEqual(start);

    // move within subnet 1 to the owner's hotkey: the alpha changes hands exactly, no swap
    const moved = await json<{
      origin: { stake: string };
      destination: { hotkey: string; coldkey: string; stake: string };
    }>([
      'stake',
      'move',
      '--origin-netuid',
      '1',
      '--dest-netuid',
      '1',
      '--dest-hotkey',
      ownerHotkey,
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(BigInt(moved.origin.stake)).toBe(have - TAO);
    expect(moved.destination).toEqual({ netuid: 1, hotkey: ownerHotkey, coldkey, stake: String(TAO) });

    // transfer to another coldkey on subnet 1: same hotkey, exact amount
    const sent = await json<{ origin: { stake: string }; destination: { coldkey: string; stake: string } }>([
      'stake',
      'transfer',
      '--origin-netuid',
      '1',
      '--dest-coldkey',
      otherColdkey,
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(BigInt(sent.origin.stake)).toBe(have - 2n * TAO);
    expect(sent.destination).toMatchObject({ netuid: 1, hotkey, coldkey: otherColdkey, stake: String(TAO) });

    // swap subnet 1 → root: alpha sold, TAO staked on root (less than 1 TAO of value at most)
    const swapped = await json<{ origin: { stake: string }; destination: { netuid: number; stake: string } }>([
      'stake',
      'swap',
      '--origin-netuid',
      '1',
      '--dest-netuid',
      '0',
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(BigInt(swapped.origin.stake)).toBe(have - 3n * TAO);
    expect(swapped.destination.netuid).toBe(0);
    expect(BigInt(swapped.destination.stake)).toBeGreaterThan(0n);

    // remove --all: every subnet of the wallet hotkey back to TAO
    const before = await holdings();
    const all = await json<{ hotkey: string; stakes: Stake[]; balance: string }>([
      'stake',
      'remove',
      '--all',
      '--yes',
      ...me,
    ]);
    expect(all.hotkey).toBe(hotkey);
    expect(all.stakes.filter((s) => BigInt(s.stake) > 0n)).toEqual([]);
    expect(BigInt(all.balance)).toBeGreaterThan(before.free);
    // the moved and transferred alpha stays where it went
    const after = await holdings();
    expect(stakeOn(after.stakes, 1, ownerHotkey)).toBe(TAO);
  });
});
