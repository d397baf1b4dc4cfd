import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { ErrorCode } from '../errors/codes.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { DEFINED_BY } from './core-identity.js';
import { defineSubnet } from './define-subnet.js';
import { loadSubnet } from './load-subnet.js';
import { PluginHost } from './plugin-host.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
const tmp = mkdtempSync(join(repoRoot, '.tmp', 'plugin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const good = () =>
  defineSubnet({
    apiVersion: 1,
    name: 'echo',
    task: { request: z.object({ text: z.string() }), response: z.object({ text: z.string() }) },
    options: z.object({ level: z.number().int().min(0).default(3) }),
    miner: { handle: (req) => ({ text: req.text }) },
    validator: {
      challenge: () => ({ request: { text: 'a' }, truth: 'a' }),
      reward: (rs, truth) => rs.map((r) => (r.text === truth ? 1 : 0)),
    },
  });

async function codeOf(promise: Promise<unknown>): Promise<SubnetkitError['code']> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SubnetkitError);
  return (err as SubnetkitError).code;
}

/** Writes a plugin package under tmp; `core` decides what @subnetkit/core it sees. */
function writePackage(name: string, source: string, pkg: Record<string, unknown> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': './index.js' }, ...pkg }),
  );
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

describe('loadSubnet', () => {
  test('loads an inline definition and applies option defaults', async () => {
    const loaded = await loadSubnet(good(), { cwd: tmp });
    expect(loaded.definition.name).toBe('echo');
    expect(loaded.options).toEqual({ level: 3 });
  });

  test('loads a package folder by path with [path, options] and validates the options', async () => {
    const dir = writePackage(
      'plain-plugin',
      `export default { apiVersion: 1, name: 'plain', task: { request: { safeParse: () => ({ success: true }), shape: {} }, response: { safeParse: () => ({ success: true }), shape: {} } }, miner: { handle: () => ({}) }, validator: { challenge: () => ({}), reward: () => [] } };`,
    );
    const loaded = await loadSubnet([dir, { any: 1 }], { cwd: tmp });
    expect(loaded.definition.name).toBe('plain');
    expect(loaded.packageName).toBe('plain-plugin');
  });

  test('loads a package folder through its exports map (no main, no index.js)', async () => {
    const dir = writePackage('exports-only', '', { exports: { '.': './dist/entry.js' } });
    mkdirSync(join(dir, 'dist'));
    writeFileSync(
      join(dir, 'dist', 'entry.js'),
      `const s = { safeParse: () => ({ success: true }), shape: {} };
       export default { apiVersion: 1, name: 'exported', task: { request: s, response: s }, miner: { handle() {} }, validator: { challenge() {}, reward() {} } };`,
    );
    expect((await loadSubnet(dir, { cwd: tmp })).definition.name).toBe('exported');
  });

  test('resolves a package by name from node_modules of cwd', async () => {
    const app = join(tmp, 'app');
    const dir = join(app, 'node_modules', 'named-subnet');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'named-subnet', type: 'module', exports: './i.js' }),
    );
    writeFileSync(
      join(dir, 'i.js'),
      `const s = { safeParse: () => ({ success: true }), shape: {} };
       export default { apiVersion: 1, name: 'named', task: { request: s, response: s }, miner: { handle() {} }, validator: { challenge() {}, reward() {} } };`,
    );
    expect((await loadSubnet('named-subnet', { cwd: app })).definition.name).toBe('named');
  });

  test('loads an npm pack tarball, unpacked into the project cache, once per content', async () => {
    const project = join(tmp, 'tar-project');
    const src = join(tmp, 'tar-src', 'package');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    mkdirSync(src, { recursive: true });
    writeFileSync(
      join(src, 'package.json'),
      JSON.stringify({ name: 'tar-subnet', version: '1.0.0', type: 'module', exports: './i.js' }),
    );
    writeFileSync(
      join(src, 'i.js'),
      `const s = { safeParse: () => ({ success: true }), shape: {} };
       export default { apiVersion: 1, name: 'from-tarball', task: { request: s, response: s }, miner: { handle() {} }, validator: { challenge() {}, reward() {} } };`,
    );
    await createTar({ gzip: true, file: join(project, 'tar-subnet-1.0.0.tgz'), cwd: dirname(src) }, ['package']);
    const loaded = await loadSubnet('tar-subnet-1.0.0.tgz', { cwd: project });
    expect(loaded.definition.name).toBe('from-tarball');
    expect(loaded.packageName).toBe('tar-subnet');
    expect(loaded.packageDir?.startsWith(join(project, 'node_modules', '.cache', 'subnetkit', 'tarballs'))).toBe(true);
    expect((await loadSubnet('./tar-subnet-1.0.0.tgz', { cwd: project })).packageDir).toBe(loaded.packageDir);

    writeFileSync(join(project, 'broken.tgz'), 'not a tarball');
    expect(await codeOf(loadSubnet('broken.tgz', { cwd: project }))).toBe('SK_PLUGIN_LOAD_FAILED');
    expect(await codeOf(loadSubnet('./missing-1.0.0.tgz', { cwd: project }))).toBe('SK_PLUGIN_NOT_FOUND');
    // a failed unpack leaves only the one good entry in the cache
    expect(readdirSync(join(project, 'node_modules', '.cache', 'subnetkit', 'tarballs'))).toHaveLength(1);
  });

  const bad: [string, (d: Record<string, unknown>) => unknown, ErrorCode][] = [
    ['unknown apiVersion', (d) => ({ ...d, apiVersion: 2 }), 'SK_PLUGIN_API_VERSION'],
    ['bad name', (d) => ({ ...d, name: 'Bad Name!' }), 'SK_PLUGIN_BAD_NAME'],
    ['missing miner handler', (d) => ({ ...d, miner: {} }), 'SK_PLUGIN_MISSING_HANDLER'],
    ['missing reward', (d) => ({ ...d, validator: { challenge: () => 0 } }), 'SK_PLUGIN_MISSING_HANDLER'],
    ['request is not a schema', (d) => ({ ...d, task: { request: {}, response: z.object({}) } }), 'SK_PLUGIN_INVALID'],
    [
      'model without fixture',
      (d) => ({ ...d, models: { gen: { task: 'text-generation', model: 'Xenova/gpt2', fixture: '' } } }),
      'SK_PLUGIN_INVALID',
    ],
    [
      'defined by another core copy',
      (d) => Object.assign({ ...d }, { [DEFINED_BY]: '/elsewhere/core' }),
      'SK_PLUGIN_DUPLICATE_CORE',
    ],
    ['not an object', () => 42, 'SK_PLUGIN_INVALID'],
  ];
  test.each(bad)('rejects a plugin with %s', async (_label, mutate, code) => {
    const def = { ...good() } as Record<string, unknown>;
    expect(await codeOf(loadSubnet(mutate(def) as never, { cwd: tmp }))).toBe(code);
  });

  test('rejects options that break the subnet schema, naming the key', async () => {
    const dir = writePackage(
      'opts-plugin',
      `import { z } from 'zod';
       export default { apiVersion: 1, name: 'opts', options: z.object({ level: z.number() }), task: { request: z.object({}), response: z.object({}) }, miner: { handle() {} }, validator: { challenge() {}, reward() {} } };`,
    );
    const err = await loadSubnet([dir, { level: 'high' }], { cwd: tmp }).catch((e: SubnetkitError) => e);
    expect(err).toMatchObject({ code: 'SK_PLUGIN_BAD_OPTIONS', details: { key: 'level' } });
  });

  test('rejects a package that needs another core version', async () => {
    const dir = writePackage('old-plugin', 'export default {};', { peerDependencies: { '@subnetkit/core': '^9.0.0' } });
    expect(await codeOf(loadSubnet(dir, { cwd: tmp }))).toBe('SK_PLUGIN_PEER_RANGE');
  });

  test('rejects a package that resolves a second copy of @subnetkit/core', async () => {
    const dir = writePackage('dup-plugin', 'export default {};');
    const copy = join(dir, 'node_modules', '@subnetkit', 'core');
    mkdirSync(copy, { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: '@subnetkit/core', version: '0.1.0' }));
    expect(await codeOf(loadSubnet(dir, { cwd: tmp }))).toBe('SK_PLUGIN_DUPLICATE_CORE');
  });

  test('a missing package or path is SK_PLUGIN_NOT_FOUND, a throwing module SK_PLUGIN_LOAD_FAILED', async () => {
    expect(await codeOf(loadSubnet('no-such-subnet-package', { cwd: tmp }))).toBe('SK_PLUGIN_NOT_FOUND');
    expect(await codeOf(loadSubnet('./nowhere', { cwd: tmp }))).toBe('SK_PLUGIN_NOT_FOUND');
    const dir = writePackage('throwing-plugin', `throw new Error('boom at import');`);
    expect(await codeOf(loadSubnet(dir, { cwd: tmp }))).toBe('SK_PLUGIN_LOAD_FAILED');
  });
});

describe('PluginHost', () => {
  test('refuses two subnets with the same name and keeps the first set intact', async () => {
    const host = new PluginHost();
    await host.loadAll([good()], tmp);
    expect(await codeOf(host.loadAll([good()], tmp))).toBe('SK_PLUGIN_DUPLICATE_NAME');
    expect(host.list()).toHaveLength(1);
    expect(await codeOf(new PluginHost().loadAll([good(), good()], tmp))).toBe('SK_PLUGIN_DUPLICATE_NAME');
  });

  test('get() names the loaded subnets when one is missing', async () => {
    const host = new PluginHost();
    await host.loadAll([good()], tmp);
    expect(() => host.get('nope')).toThrow(/loaded: echo/);
  });
});
