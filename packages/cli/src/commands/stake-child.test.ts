import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../capture.test-helper.js';

// `stake child set|get|take` on one embedded local chain (dev genesis: //Alice funded, subnet 1),
// driven only through the CLI's in-process entry.
let root: string;
let me: string[];
let hotkey: string;
let childHot: string;

const { run, json, refused } = cliInProcess(() => root);

interface Info {
  hotkey: string;
  netuid: number;
  children: { hotkey: string; proportion: string }[];
  parents: { hotkey: string; proportion: string }[];
  pending: { children: { hotkey: string; proportion: string }[]; coolDownBlock: number } | null;
  take: number;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-child-'));
  const chain = ['--network', 'local', '--data-dir', join(root, 'chain')];
  const wallets = ['--wallet-path', join(root, 'wallets')];
  for (const name of ['parent', 'child'])
    expect((await run(['wallet', 'create', '--name', name, '--no-password', ...wallets, '--json'])).code).toBe(0);
  const show = (name: string) =>
    json<{ coldkey: string; hotkeys: { name: string; address: string }[] }>([
      'wallet',
      'show',
      '--name',
      name,
      ...wallets,
    ]);
  const parent = await show('parent');
  hotkey = parent.hotkeys.find((h) => h.name === 'default')?.address ?? '';
  childHot = (await show('child')).hotkeys.find((h) => h.name === 'default')?.address ?? '';
  me = ['--wallet', 'parent', ...wallets, ...chain];
  await json(['transfer', ...chain, '--from-uri', '//Alice', '--dest', parent.coldkey, '--amount', '100', '--yes']);
  await json(['register', '--netuid', '1', '--yes', ...me]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('stake child', () => {
  it('schedules children and sets the take; bad input and chain refusals change nothing', async () => {
    const get = () => json<Info>(['stake', 'child', 'get', '--netuid', '1', ...me]);
    const empty = await get();
    expect(empty).toMatchObject({ hotkey, netuid: 1, children: [], parents: [], pending: null, take: 0 });

    const set = ['stake', 'child', 'set', '--netuid', '1', '--yes', ...me];
    await refused([...set, '--children', `${childHot}:1.5`], 'SK_CLI_USAGE', 2, /above 1/);
    await refused([...set, '--children', childHot], 'SK_CLI_USAGE', 2);
    await refused([...set, '--children', `${hotkey}:0.5`], 'SK_CHAIN_EXTRINSIC_FAILED', 1, /InvalidChild/);
    await refused(
      ['stake', 'child', 'take', '--netuid', '1', '--take', '19', '--yes', ...me],
      'SK_CHAIN_EXTRINSIC_FAILED',
      1,
      /InvalidChildkeyTake/,
    );
    expect(await get()).toEqual(empty);

    const after = await json<Info & { block: number }>([...set, '--children', `${childHot}:0.5`]);
    // 0.5 · (2^64 − 1), rounded down
    expect(after.pending?.children).toEqual([{ hotkey: childHot, proportion: '9223372036854775807' }]);
    expect(after.pending?.coolDownBlock).toBeGreaterThan(after.block);
    expect(after.children).toEqual([]);

    const taken = await json<Info>(['stake', 'child', 'take', '--netuid', '1', '--take', '9', '--yes', ...me]);
    expect(taken.take).toBe(Math.floor((9 * 65535) / 100));
    const text = await run(['stake', 'child', 'get', '--netuid', '1', ...me]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`pending from block \\d+[^\\n]*\\n\\s+child\\s+50\\.0000 %  ${childHot}`));
  });
});
