import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initCrypto } from './crypto-ready.js';
import { createWallet } from './wallet.js';

// Mode bits do not stop root, and the tests usually run as root. There the honest check is to
// read the wallet as an unprivileged user (`nobody`) in a child process; as another user, chmod 000
// in-process is enough (see wallet.test.ts). Spawning node + tsx takes seconds on a busy machine.
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const walletModule = fileURLToPath(new URL('./wallet.ts', import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
let root: string;

beforeAll(() => initCrypto());
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-perm-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function loadAsNobody(path: string): { code?: string; message?: string; raw: string } {
  const script = `
    const { loadWallet } = await import(${JSON.stringify(walletModule)});
    try { await loadWallet({ name: 'p', path: ${JSON.stringify(path)}, env: {} }); console.log(JSON.stringify({ code: 'none' })); }
    catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  const r = spawnSync(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/tmp' },
    timeout: 60_000,
  });
  const raw = `${r.stdout}${r.stderr}`;
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return { ...JSON.parse(last), raw };
  } catch {
    return { raw };
  }
}

describe.runIf(isRoot)('unreadable wallet files (as an unprivileged user)', () => {
  it('a private wallet folder is SK_WALLET_PERMISSION naming the file', { timeout: 60_000 }, async () => {
    await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    const r = loadAsNobody(root);
    expect(r.code, r.raw).toBe('SK_WALLET_PERMISSION');
    expect(r.message).toContain(join(root, 'p'));
  });

  it('a 0600 keyfile in a traversable folder is SK_WALLET_PERMISSION naming that file', {
    timeout: 60_000,
  }, async () => {
    const { wallet } = await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    for (const dir of [root, wallet.dir, join(wallet.dir, 'hotkeys')]) await chmod(dir, 0o755);
    await chmod(wallet.coldkeypubFile, 0o644);
    const r = loadAsNobody(root);
    expect(r.code, r.raw).toBe('SK_WALLET_PERMISSION');
    expect(r.message).toContain(wallet.hotkeyFile());
  });
});
