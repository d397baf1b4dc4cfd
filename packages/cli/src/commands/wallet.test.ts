import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  argon2iKdf,
  decryptKeyfile,
  encodeSdkPassword,
  initCrypto,
  Keypair,
  Secret,
  sdkKdf,
  sdkPasswordEnvName,
} from '@subnetkit/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';
import { walletKdf } from './wallet.js';

// from packages/core/src/wallet/fixtures/keys.json (btwallet vectors)
const VECTOR = {
  mnemonic: 'old leopard transfer rib spatial phone calm indicate online fire caution review',
  address: '5HDvhV6WDCjCKyrXqGQSDYqQAzkzabNhctmiDYEqgBC66BsX',
  other: 'legal winner thank year wave sausage worth useful legal winner thank yellow',
  otherAddress: '5EHgWw2Af1pnoc7f1A8bfmM97W3DAYW8xr82RfhLL9oAabAe',
  alice: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
};
/**
 * Argon2i at 64 KiB instead of the SDK's 512 MiB: these tests are about the CLI, not the KDF. The one
 * real SDK-parameter derivation of the suite is in core's keyfile.test.ts (against the SDK's vector);
 * here a test checks that the CLI uses that same sdkKdf when nothing is injected.
 */
const cheapKdf = (p: Secret) => argon2iKdf(p, 3, 64 * 1024);

let root: string;
/** Everything the CLI printed in a test, for the secret scan. */
let transcript: string[];

beforeAll(() => initCrypto());
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-wallet-'));
  transcript = [];
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = sink();
  const err = sink();
  const code = await main(['wallet', ...args, '--wallet-path', root], {
    stdout: out.stream,
    stderr: err.stream,
    env,
    cwd: root,
    kdf: cheapKdf,
  });
  transcript.push(out.text(), err.text());
  return { code, stdout: out.text(), stderr: err.text() };
}

async function keyfileSecrets(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'latin1');
    if (!text.startsWith('{')) continue;
    const json = JSON.parse(text);
    for (const k of ['secretPhrase', 'secretSeed', 'privateKey'] as const) {
      if (typeof json[k] === 'string') found.push(json[k], json[k].replace(/^0x/, ''));
    }
  }
  return found;
}

function expectNoSecrets(secrets: string[]): void {
  const all = transcript.join('\n');
  for (const s of secrets) {
    expect(all.includes(s), `a secret (${s.length} chars) leaked into CLI output`).toBe(false);
    // also the first three words of a phrase: catches partial echoes
    if (s.includes(' ')) expect(all.includes(s.split(' ').slice(0, 3).join(' '))).toBe(false);
  }
}

describe('subnetkit wallet', () => {
  it('runs a full lifecycle without printing a secret', async () => {
    const created = await run(['create', '--name', 'w', '--hotkey', 'h1', '--no-password', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const c = JSON.parse(created.stdout);
    expect(c.coldkey.address).toMatch(/^5/);
    expect(c.hotkey).toMatchObject({ name: 'h1', encrypted: false });
    expect(c.coldkey.encrypted).toBe(false);

    expect((await run(['new-hotkey', '--name', 'w', '--hotkey', 'h2'])).code).toBe(0);
    const regenHot = await run(['regen-hotkey', '--name', 'w', '--hotkey', 'h3', '--mnemonic', VECTOR.other, '--json']);
    expect(JSON.parse(regenHot.stdout).hotkey.address).toBe(VECTOR.otherAddress);
    const viaEnv = await run(['regen-hotkey', '--name', 'w', '--hotkey', 'h4', '--json'], {
      SUBNETKIT_WALLET_MNEMONIC: VECTOR.mnemonic,
    });
    expect(JSON.parse(viaEnv.stdout).hotkey.address).toBe(VECTOR.address);
    const alice = await run(['regen-hotkey', '--name', 'w', '--hotkey', 'alice', '--uri', '//Alice', '--json']);
    expect(JSON.parse(alice.stdout).hotkey.address).toBe(VECTOR.alice);

    const exists = await run(['create', '--name', 'w', '--hotkey', 'h1', '--no-password']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/SK_WALLET_KEY_EXISTS/);

    const regenCold = await run([
      'regen-coldkey',
      '--name',
      'w',
      '--mnemonic',
      VECTOR.mnemonic,
      '--no-password',
      '--overwrite',
      '--json',
    ]);
    expect(JSON.parse(regenCold.stdout).coldkey.address).toBe(VECTOR.address);
    const pub = await run(['regen-coldkeypub', '--name', 'w', '--ss58', VECTOR.address, '--overwrite', '--json']);
    expect(pub.code, pub.stderr).toBe(0);

    const show = await run(['show', '--name', 'w', '--json']);
    const shown = JSON.parse(show.stdout);
    expect(Object.keys(shown).sort()).toEqual(['coldkey', 'hotkeys', 'name', 'path']);
    expect(shown.coldkey).toBe(VECTOR.address);
    expect(shown.hotkeys.map((h: { name: string }) => h.name)).toEqual(['alice', 'h1', 'h2', 'h3', 'h4']);
    for (const h of shown.hotkeys) expect(Object.keys(h).sort()).toEqual(['address', 'name']);
    expect(shown.hotkeys.find((h: { name: string }) => h.name === 'h1').address).toBe(c.hotkey.address);

    const list = await run(['list']);
    expect(list.stdout).toContain(`└── w (${VECTOR.address})`);
    expect(list.stdout).toContain(`└── h4 (${VECTOR.address})`);
    expect(list.stdout).toContain(`├── h1 (${c.hotkey.address})`);
    const listJson = JSON.parse((await run(['list', '--json'])).stdout);
    expect(listJson.wallets[0].hotkeys).toHaveLength(5);

    // a hotkey the CLI wrote loads, signs and verifies through core
    const h1 = JSON.parse(await readFile(join(root, 'w', 'hotkeys', 'h1'), 'utf8'));
    const kp = Keypair.fromMnemonic(new Secret(h1.secretPhrase));
    expect(kp.address).toBe(c.hotkey.address);
    expect(kp.verify('x', kp.sign('x'))).toBe(true);

    expectNoSecrets([...(await keyfileSecrets()), VECTOR.mnemonic, VECTOR.other]);
  });

  it('shows a fresh mnemonic only when asked, exactly once, and it restores the same key', async () => {
    const quiet = await run(['new-coldkey', '--name', 'q', '--no-password']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).not.toMatch(/mnemonic/);
    const loud = await run([
      'new-coldkey',
      '--name',
      'l',
      '--no-password',
      '--words',
      '24',
      '--show-mnemonic',
      '--json',
    ]);
    expect(loud.code, loud.stderr).toBe(0);
    const json = JSON.parse(loud.stdout);
    expect(JSON.stringify(json)).not.toMatch(/mnemonic/i);
    const phrase = loud.stderr.split('\n')[1]!.trim();
    expect(phrase.split(' ')).toHaveLength(24);
    expect(loud.stderr.split(phrase).length - 1).toBe(1);
    const restored = await run(['regen-coldkey', '--name', 'r', '--mnemonic', phrase, '--no-password', '--json']);
    expect(JSON.parse(restored.stdout).coldkey.address).toBe(json.coldkey.address);
  });

  it('reports bad input with stable codes and no secrets', async () => {
    const bad = VECTOR.mnemonic.replace('review', 'abandon');
    const r = await run(['regen-coldkey', '--name', 'b', '--mnemonic', bad, '--no-password', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe('SK_WALLET_BAD_MNEMONIC');
    const unknown = await run(['regen-hotkey', '--name', 'b', '--mnemonic', 'old leopard nonsenseword']);
    expect(unknown.stderr).toMatch(/SK_WALLET_BAD_MNEMONIC/);
    expect((await run(['create', '--name', 'b', '--words', '13', '--no-password'])).code).toBe(2);
    const noPw = await run(['create', '--name', 'b']);
    expect(noPw.code).toBe(1);
    expect(noPw.stderr).toMatch(/SK_WALLET_NO_PASSWORD/);
    expect(noPw.stderr).toMatch(/SUBNETKIT_WALLET_PASSWORD/);
    expect(await readdir(root)).toEqual([]);
    expect((await run(['show', '--name', 'missing'])).stderr).toMatch(/SK_WALLET_NOT_FOUND/);
    expect((await run(['show', '--name', '../etc'])).stderr).toMatch(/SK_WALLET_BAD_NAME/);
    expect((await run(['regen-hotkey', '--name', 'b'])).code).toBe(2);
    expectNoSecrets([VECTOR.mnemonic, bad]);
  });

  it('derives wallet keys with the SDK KDF unless one is injected', () => {
    expect(walletKdf({})).toBe(sdkKdf);
    expect(walletKdf({ kdf: cheapKdf })).toBe(cheapKdf);
  });

  it('encrypts the coldkey with the wallet KDF; a wrong password writes nothing', async () => {
    const password = 'bittensor-test-password-1';
    const created = await run(['create', '--name', 'e', '--json'], { SUBNETKIT_WALLET_PASSWORD: password });
    expect(created.code, created.stderr).toBe(0);
    const address = JSON.parse(created.stdout).coldkey.address;
    const coldkey = join(root, 'e', 'coldkey');
    const blob = await readFile(coldkey);
    expect(blob.subarray(0, 5).toString()).toBe('$NACL');
    // it opens with the key the wallet KDF gives this password (the SDK's KDF is checked above)
    const key = new Secret(cheapKdf(new Secret(password)));
    expect(JSON.parse(decryptKeyfile(blob, new Secret(password), { key }).reveal()).ss58Address).toBe(address);
    await rm(join(root, 'e', 'coldkeypub.txt'));
    const name = sdkPasswordEnvName(coldkey);
    const wrong = await run(['regen-coldkeypub', '--name', 'e'], {
      [name]: encodeSdkPassword(name, new Secret('not the password')),
    });
    expect(wrong.stderr).toMatch(/SK_WALLET_BAD_PASSWORD/);
    expect(await readdir(join(root, 'e'))).toEqual(['coldkey', 'hotkeys']);
    const right = await run(['regen-coldkeypub', '--name', 'e', '--json'], {
      [name]: encodeSdkPassword(name, new Secret(password)),
    });
    expect(JSON.parse(right.stdout).coldkey.address).toBe(address);
    expectNoSecrets([password, 'not the password', ...(await keyfileSecrets())]);
  });
});
