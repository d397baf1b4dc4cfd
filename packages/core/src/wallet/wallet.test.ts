import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { Secret } from '../util/secret.js';
import { initCrypto } from './crypto-ready.js';
import keys from './fixtures/keys.json' with { type: 'json' };
import { argon2iKdf } from './keyfile.js';
import { verify } from './keypair.js';
import { encodeSdkPassword, sdkPasswordEnvName } from './password-env.js';
import { mnemonicStartingWith, naclFull, naclFullMnemonic, otherMnemonic } from './vectors.test.helper.js';
import { createWallet, defaultWalletPath, listWallets, loadWallet, Wallet } from './wallet.js';

// vectors looked up by content, so the tests run on any superset of them
const LEOPARD = mnemonicStartingWith('old leopard');

const cheapKdf = (p: Secret) => argon2iKdf(p, 3, 64 * 1024);
const PASSWORD = 'correct horse battery';
let root: string;

beforeAll(() => initCrypto());
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-wallet-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out[file] = (await readFile(file)).toString('base64');
  }
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isSubnetkitError(err) ? err.code : `not a SubnetkitError: ${String(err)}`;
  }
  return 'did not throw';
}

describe('wallet layout and lifecycle', () => {
  it('creates the SDK layout with private modes, loads it, signs and unlocks', async () => {
    const { wallet, coldkey, hotkey } = await createWallet({
      name: 'w1',
      hotkey: 'h1',
      path: root,
      coldkeyPassword: PASSWORD,
      kdf: cheapKdf,
    });
    expect(coldkey.encrypted).toBe(true);
    expect(hotkey.encrypted).toBe(false);
    expect(coldkey.mnemonic?.reveal().split(' ')).toHaveLength(12);
    const dir = join(root, 'w1');
    const files = Object.keys(await snapshot(root)).sort();
    expect(files).toEqual(
      [
        join(dir, 'coldkey'),
        join(dir, 'coldkeypub.txt'),
        join(dir, 'hotkeys', 'h1'),
        join(dir, 'hotkeys', 'h1pub.txt'),
      ].sort(),
    );
    for (const f of files) expect((await stat(f)).mode & 0o777).toBe(0o600);
    for (const d of [dir, join(dir, 'hotkeys')]) expect((await stat(d)).mode & 0o777).toBe(0o700);
    expect((await readFile(join(dir, 'coldkey'))).subarray(0, 5).toString()).toBe('$NACL');
    const pub = JSON.parse(await readFile(join(dir, 'coldkeypub.txt'), 'utf8'));
    expect(Object.keys(pub).sort()).toEqual(['accountId', 'publicKey', 'ss58Address']);
    expect(pub.ss58Address).toBe(coldkey.address);
    const hot = JSON.parse(await readFile(join(dir, 'hotkeys', 'h1'), 'utf8'));
    expect(hot.ss58Address).toBe(hotkey.address);
    expect(hot.secretPhrase).toBe(hotkey.mnemonic?.reveal());

    const loaded = await loadWallet({ name: 'w1', hotkey: 'h1', path: root, kdf: cheapKdf });
    expect(loaded.coldkeypub.address).toBe(coldkey.address);
    expect(loaded.hotkey.address).toBe(hotkey.address);
    const sig = loaded.hotkey.sign('payload');
    expect(verify('payload', sig, hotkey.address)).toBe(true);
    const cold = await loaded.unlockColdkey(PASSWORD);
    expect(cold.address).toBe(coldkey.address);
    expect(verify('transfer', cold.sign('transfer'), loaded.coldkeypub.address)).toBe(true);
    expect(wallet.dir).toBe(dir);
  });

  it('regenerating from the mnemonic reproduces the addresses; overwrite is refused without the flag', async () => {
    const v = LEOPARD;
    const wallet = new Wallet({ name: 'w2', hotkey: 'h', path: root, kdf: cheapKdf });
    const cold = await wallet.createColdkey({ mnemonic: new Secret(v.mnemonic), password: PASSWORD });
    expect(cold.address).toBe(v.ss58_42);
    expect(cold.mnemonic).toBeUndefined();
    const before = await snapshot(root);
    expect(await codeOf(wallet.createColdkey({ password: PASSWORD }))).toBe('SK_WALLET_KEY_EXISTS');
    expect(await codeOf(createWallet({ name: 'w2', path: root, coldkeyPassword: null }))).toBe('SK_WALLET_KEY_EXISTS');
    expect(await snapshot(root)).toEqual(before);
    const other = otherMnemonic(v);
    const replaced = await wallet.createColdkey({ mnemonic: other.mnemonic, password: PASSWORD, overwrite: true });
    expect(replaced.address).toBe(other.ss58_42);
    expect((await wallet.coldkeypub()).address).toBe(other.ss58_42);
    expect((await stat(wallet.coldkeyFile)).mode & 0o777).toBe(0o600);
    const hot = await wallet.createHotkey({ uri: '//Alice', password: null });
    expect(hot.address).toBe(keys.uris.find((u) => u.uri === '//Alice')!.ss58_42);
    expect((await wallet.hotkey()).address).toBe(hot.address);
  });

  it('a wrong password writes nothing (SK_WALLET_BAD_PASSWORD)', async () => {
    const wallet = new Wallet({ name: 'w3', path: root, kdf: cheapKdf });
    const cold = await wallet.createColdkey({ password: PASSWORD });
    await rm(wallet.coldkeypubFile);
    expect(await codeOf(wallet.coldkeypub())).toBe('SK_WALLET_NOT_FOUND');
    const before = await snapshot(root);
    expect(await codeOf(wallet.regenColdkeypub({ password: 'wrong password!' }))).toBe('SK_WALLET_BAD_PASSWORD');
    expect(await codeOf(wallet.unlockColdkey('wrong password!'))).toBe('SK_WALLET_BAD_PASSWORD');
    expect(await snapshot(root)).toEqual(before);
    expect((await wallet.regenColdkeypub({ password: PASSWORD })).address).toBe(cold.address);
    expect((await wallet.coldkeypub()).address).toBe(cold.address);
  });

  it('regen-coldkeypub from an address or public key, and rejects a bad address', async () => {
    const v = otherMnemonic(LEOPARD);
    const wallet = new Wallet({ name: 'w4', path: root });
    expect((await wallet.regenColdkeypub({ address: v.ss58_42 })).address).toBe(v.ss58_42);
    expect((await wallet.regenColdkeypub({ publicKey: v.public_key_hex, overwrite: true })).address).toBe(v.ss58_42);
    expect(await codeOf(wallet.regenColdkeypub({ address: '5notanaddress', overwrite: true }))).toBe(
      'SK_WALLET_BAD_ADDRESS',
    );
  });

  it('finds the coldkey password in SUBNETKIT_WALLET_PASSWORD or the SDK variable', async () => {
    const wallet = new Wallet({ name: 'w5', path: root, kdf: cheapKdf });
    const cold = await wallet.createColdkey({ password: PASSWORD });
    const name = sdkPasswordEnvName(wallet.coldkeyFile);
    const viaSdk = new Wallet({
      name: 'w5',
      path: root,
      kdf: cheapKdf,
      env: { [name]: encodeSdkPassword(name, new Secret(PASSWORD)) },
    });
    expect((await viaSdk.unlockColdkey()).address).toBe(cold.address);
    const viaPlain = new Wallet({
      name: 'w5',
      path: root,
      kdf: cheapKdf,
      env: { SUBNETKIT_WALLET_PASSWORD: PASSWORD },
    });
    expect((await viaPlain.unlockColdkey()).address).toBe(cold.address);
    const none = new Wallet({ name: 'w5', path: root, kdf: cheapKdf, env: {} });
    expect(await codeOf(none.unlockColdkey())).toBe('SK_WALLET_NO_PASSWORD');
  });

  it('encrypted hotkeys need a password; weak passwords are refused before anything is written', async () => {
    const wallet = new Wallet({ name: 'w6', hotkey: 'enc', path: root, kdf: cheapKdf, env: {} });
    expect(await codeOf(wallet.createHotkey({ password: 'abc' }))).toBe('SK_WALLET_WEAK_PASSWORD');
    expect(await codeOf(wallet.createColdkey({ password: 'aaaaaaaa' }))).toBe('SK_WALLET_WEAK_PASSWORD');
    expect(await snapshot(root)).toEqual({});
    const hot = await wallet.createHotkey({ password: PASSWORD });
    expect(await codeOf(wallet.hotkey())).toBe('SK_WALLET_NO_PASSWORD');
    expect((await wallet.hotkey({ password: PASSWORD })).address).toBe(hot.address);
  });

  it('lists wallets as a tree with addresses', async () => {
    const a = await createWallet({ name: 'alpha', hotkey: 'm1', path: root, coldkeyPassword: null });
    const wallet = new Wallet({ name: 'alpha', path: root });
    const m2 = await wallet.createHotkey({ hotkey: 'm2', password: null });
    // an older wallet without the pub file still lists the address from the plaintext hotkey
    await rm(wallet.hotkeypubFile('m2'));
    await new Wallet({ name: 'beta', path: root }).regenColdkeypub({ address: LEOPARD.ss58_42 });
    const list = await listWallets({ path: root });
    expect(list).toEqual([
      {
        name: 'alpha',
        path: join(root, 'alpha'),
        coldkey: a.coldkey.address,
        hotkeys: [
          { name: 'm1', address: a.hotkey.address },
          { name: 'm2', address: m2.address },
        ],
      },
      { name: 'beta', path: join(root, 'beta'), coldkey: LEOPARD.ss58_42, hotkeys: [] },
    ]);
    expect(await listWallets({ path: join(root, 'missing') })).toEqual([]);
  });
});

describe('bad files and names', () => {
  it('a truncated or garbage keyfile is SK_WALLET_KEYFILE_CORRUPT naming the file', async () => {
    const { wallet } = await createWallet({ name: 'c', path: root, coldkeyPassword: PASSWORD, kdf: cheapKdf });
    const hot = await readFile(wallet.hotkeyFile());
    await writeFile(wallet.hotkeyFile(), hot.subarray(0, hot.length / 2));
    let err: unknown;
    try {
      await wallet.hotkey();
    } catch (e) {
      err = e;
    }
    expect(isSubnetkitError(err, 'SK_WALLET_KEYFILE_CORRUPT')).toBe(true);
    expect((err as Error).message).toContain(wallet.hotkeyFile());
    const cold = await readFile(wallet.coldkeyFile);
    await writeFile(wallet.coldkeyFile, cold.subarray(0, 20));
    expect(await codeOf(wallet.unlockColdkey(PASSWORD))).toBe('SK_WALLET_KEYFILE_CORRUPT');
    await writeFile(wallet.coldkeyFile, '');
    expect(await codeOf(wallet.unlockColdkey(PASSWORD))).toBe('SK_WALLET_KEYFILE_CORRUPT');
    await writeFile(wallet.coldkeypubFile, Buffer.from([0xff, 0xfe, 0x00]));
    expect(await codeOf(wallet.coldkeypub())).toBe('SK_WALLET_KEYFILE_CORRUPT');
  });

  it('missing wallets are SK_WALLET_NOT_FOUND', async () => {
    expect(await codeOf(loadWallet({ name: 'nope', path: root }))).toBe('SK_WALLET_NOT_FOUND');
  });

  it('rejects names that leave the wallet folder', () => {
    for (const name of ['../x', 'a/b', '..', '.hidden', '']) {
      let code: string | undefined;
      try {
        new Wallet({ name, path: root });
      } catch (err) {
        code = isSubnetkitError(err) ? err.code : 'other';
      }
      expect(code, name).toBe('SK_WALLET_BAD_NAME');
    }
  });

  it('reports unreadable files as SK_WALLET_PERMISSION (non-root only: root reads mode 000 files)', async (ctx) => {
    if (process.getuid?.() === 0) ctx.skip();
    const { wallet } = await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    await chmod(wallet.hotkeyFile(), 0o000);
    expect(await codeOf(wallet.hotkey())).toBe('SK_WALLET_PERMISSION');
  });
});

describe('wallet path', () => {
  it('defaults to ~/.bittensor/wallets, overridable by SUBNETKIT_WALLET_PATH then BT_WALLET_PATH', () => {
    expect(defaultWalletPath({})).toBe(join(homedir(), '.bittensor', 'wallets'));
    expect(defaultWalletPath({ BT_WALLET_PATH: '/a' })).toBe('/a');
    expect(defaultWalletPath({ BT_WALLET_PATH: '/a', SUBNETKIT_WALLET_PATH: '~/b' })).toBe(join(homedir(), 'b'));
    const w = new Wallet({ env: { BT_WALLET_NAME: 'n', BT_WALLET_HOTKEY: 'k', SUBNETKIT_WALLET_PATH: root } });
    expect(w.hotkeyFile()).toBe(join(root, 'n', 'hotkeys', 'k'));
  });
});

describe('interop with SDK-written files', () => {
  it('unlocks a coldkey the SDK encrypted', async () => {
    const v = naclFull;
    // The SDK's 512 MiB Argon2i of this password is in the vector, and keyfile.test.ts checks sdkKdf
    // against it; this test is about the SDK's file, so it takes that key instead of deriving it again.
    const vectorKdf = (p: Secret) =>
      p.reveal() === v.password ? Uint8Array.from(Buffer.from(v.derived_key_hex, 'hex')) : cheapKdf(p);
    const wallet = new Wallet({ name: 'sdk', path: root, env: {}, kdf: vectorKdf });
    await wallet.regenColdkeypub({ address: naclFullMnemonic.ss58_42 });
    await writeFile(wallet.coldkeyFile, Buffer.from(v.encrypted_hex, 'hex'), { mode: 0o600 });
    const loaded = await loadWallet({ name: 'sdk', path: root, env: {} }).catch((e) => e);
    // no hotkey in this wallet: loading names the missing hotkey file
    expect(isSubnetkitError(loaded, 'SK_WALLET_NOT_FOUND')).toBe(true);
    const cold = await wallet.unlockColdkey(v.password);
    expect(cold.address).toBe(naclFullMnemonic.ss58_42);
  });
});
