import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { Secret } from '../util/secret.js';
import { initCrypto } from './crypto-ready.js';
import { argon2iKdf } from './keyfile.js';
import { Keypair } from './keypair.js';
import { mnemonicStartingWith, otherMnemonic } from './vectors.test.helper.js';
import { createWallet, listWallets, loadWallet, Wallet } from './wallet.js';

// looked up by content (its phrase has the word 'review', which the tests corrupt)
const LEOPARD = mnemonicStartingWith('old leopard');

const cheapKdf = (p: Secret) => argon2iKdf(p, 3, 64 * 1024);
const PASSWORD = 'hunter2-but-longer';
let root: string;

beforeAll(async () => {
  await initCrypto();
  root = await mkdtemp(join(tmpdir(), 'sk-secrets-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('secrets never reach logs, errors or printed objects', () => {
  it('a full wallet lifecycle', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'trace', destination });
    const printed: string[] = [];
    const show = (x: unknown) => printed.push(inspect(x, { depth: 10 }), JSON.stringify(x) ?? '', String(x));
    const failing = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        show(err);
        printed.push((err as Error).message, String((err as Error).cause ?? ''), (err as Error).stack ?? '');
        return;
      }
      throw new Error('expected a failure');
    };
    const opts = { path: root, kdf: cheapKdf, logger, env: {} };

    const created = await createWallet({ ...opts, name: 'life', hotkey: 'h', coldkeyPassword: PASSWORD });
    show(created);
    const wallet = new Wallet({ ...opts, name: 'life', hotkey: 'h' });
    show(wallet);
    show(await wallet.createHotkey({ hotkey: 'm', mnemonic: new Secret(LEOPARD.mnemonic), password: null }));
    show(
      await wallet.createHotkey({
        hotkey: 's',
        seed: new Secret(otherMnemonic(LEOPARD).mini_secret_hex),
        password: PASSWORD,
      }),
    );
    show(await wallet.createHotkey({ hotkey: 'u', uri: '//Alice', password: null }));
    const loaded = await loadWallet({ ...opts, name: 'life', hotkey: 'm' });
    show(loaded);
    show(await loaded.unlockColdkey(PASSWORD));
    show(await wallet.hotkey({ hotkey: 's', password: PASSWORD }));
    show(await listWallets({ path: root }));
    await failing(loaded.unlockColdkey('wrong-password-xyz'));
    await failing(wallet.hotkey({ hotkey: 's' }));
    await failing(
      wallet.createHotkey({
        hotkey: 'x',
        mnemonic: LEOPARD.mnemonic.replace('review', 'zoo'),
        password: null,
      }),
    );
    await failing(wallet.createHotkey({ hotkey: 'x', password: 'short' }));
    await failing(wallet.createHotkey({ hotkey: 'm', mnemonic: LEOPARD.mnemonic, password: null }));
    const hotFile = wallet.hotkeyFile('m');
    const text = await readFile(hotFile, 'utf8');
    await writeFile(hotFile, text.slice(0, text.length - 40));
    await failing(wallet.hotkey({ hotkey: 'm' }));
    await writeFile(hotFile, text.replace('"secretSeed"', '"secretSeed" "'));
    await failing(wallet.hotkey({ hotkey: 'm' }));
    await writeFile(hotFile, text);

    // every secret that exists anywhere in this wallet
    const secrets = new Set<string>([PASSWORD, 'wrong-password-xyz', LEOPARD.mnemonic.replace('review', 'zoo')]);
    for (const key of [created.coldkey, created.hotkey]) secrets.add(key.mnemonic!.reveal());
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('pub.txt')) continue;
      const name = entry.name;
      const k =
        name === 'coldkey'
          ? await wallet.unlockColdkey(PASSWORD)
          : await wallet.hotkey({ hotkey: name, password: PASSWORD });
      const s = k.exportSecrets().reveal();
      secrets.add(u8aToHex(s.privateKey).slice(2));
      if (s.seed) secrets.add(u8aToHex(s.seed).slice(2));
      if (s.mnemonic) secrets.add(s.mnemonic);
    }
    const alice = Keypair.fromUri('//Alice').exportSecrets().reveal();
    secrets.add(u8aToHex(alice.privateKey).slice(2));

    expect(lines.length).toBeGreaterThan(5);
    const haystack = [...lines, ...printed].join('\n').toLowerCase();
    expect(haystack).toContain(created.coldkey.address.toLowerCase());
    for (const s of secrets) {
      expect(haystack.includes(s.toLowerCase()), `secret of ${s.length} chars leaked`).toBe(false);
      if (s.includes(' ')) expect(haystack.includes(s.split(' ').slice(0, 3).join(' '))).toBe(false);
      // hex secrets: also any 16-hex-char window would be a leak
      if (/^[0-9a-f]+$/.test(s)) {
        for (let i = 0; i + 16 <= s.length; i += 8) expect(haystack.includes(s.slice(i, i + 16))).toBe(false);
      }
    }
  });
});
