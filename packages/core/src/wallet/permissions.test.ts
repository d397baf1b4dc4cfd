import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, stop } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initCrypto } from './crypto-ready.js';
import { createWallet } from './wallet.js';

// Mode bits do not stop root, and the tests usually run as root. There the honest check is to
// read the wallet as an unprivileged user (`nobody`) in a child process; as another user, chmod 000
// in-process is enough (see wallet.test.ts).
// `nobody` may not be able to read the checkout at all (a clone under a 0700 `mktemp -d` folder), so
// the child runs plain node on one bundled file in its own world-readable folder: nothing from here.
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const walletModule = fileURLToPath(new URL('./wallet.ts', import.meta.url));
let childDir: string;
let child: string;
let root: string;

const CHILD_SOURCE = `
import { loadWallet } from ${JSON.stringify(walletModule)};
try {
  const w = await loadWallet({ name: 'p', path: process.argv[2], env: {} });
  console.log(JSON.stringify({ code: 'none', hotkey: w.hotkey.address }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }));
}`;

beforeAll(async () => {
  await initCrypto();
  if (!isRoot) return;
  childDir = await mkdtemp(join(tmpdir(), 'sk-perm-child-'));
  await chmod(childDir, 0o755);
  child = join(childDir, 'load-wallet.mjs');
  await build({
    stdin: { contents: CHILD_SOURCE, resolveDir: childDir, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    logLevel: 'silent',
    // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await chmod(child, 0o644);
});
afterAll(async () => {
  // core's test files share worker processes: leave no esbuild service running in this one
  await stop();
  if (childDir) await rm(childDir, { recursive: true, force: true });
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-perm-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function loadAsNobody(path: string): { code?: string; message?: string; hotkey?: string; raw: string } {
  const r = spawnSync(process.execPath, [child, path], {
    uid: NOBODY,
    gid: NOBODY,
    cwd: childDir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/tmp' },
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
  it('a wallet nobody may read loads for that user (the child itself works)', async () => {
    const { wallet } = await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    for (const dir of [root, wallet.dir, join(wallet.dir, 'hotkeys')]) await chmod(dir, 0o755);
    for (const file of [wallet.coldkeypubFile, wallet.hotkeyFile()]) await chmod(file, 0o644);
    const r = loadAsNobody(root);
    expect(r.code, r.raw).toBe('none');
    expect(r.hotkey).toBe((await wallet.hotkey()).address);
  });

  it('a private wallet folder is SK_WALLET_PERMISSION naming the file', async () => {
    await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    const r = loadAsNobody(root);
    expect(r.code, r.raw).toBe('SK_WALLET_PERMISSION');
    expect(r.message).toContain(join(root, 'p'));
  });

  it('a 0600 keyfile in a traversable folder is SK_WALLET_PERMISSION naming that file', async () => {
    const { wallet } = await createWallet({ name: 'p', path: root, coldkeyPassword: null });
    for (const dir of [root, wallet.dir, join(wallet.dir, 'hotkeys')]) await chmod(dir, 0o755);
    await chmod(wallet.coldkeypubFile, 0o644);
    const r = loadAsNobody(root);
    expect(r.code, r.raw).toBe('SK_WALLET_PERMISSION');
    expect(r.message).toContain(wallet.hotkeyFile());
  });
});
