import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { loadConfig } from './load-config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project folder from an object literal of files. */
function project(files: Record<string, string>): string {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.tmp', 'config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), files['package.json'] ?? '{"name":"p"}');
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

describe('loadConfig', () => {
  test('gives the defaults when there is no config file', async () => {
    const { config, filepath } = await loadConfig({ cwd: project({}), env: {} });
    expect(filepath).toBeNull();
    expect(config.network).toBe('local');
    expect(config.subnets).toEqual(['@subnetkit/subnet-text', '@subnetkit/subnet-image', '@subnetkit/subnet-predict']);
    expect(config.chain.blockTime).toBe(12_000);
    expect(config.models.allowRemote).toBe(false);
  });

  test('reads subnetkit.config.json and parses durations', async () => {
    const cwd = project({
      'subnetkit.config.json': JSON.stringify({ chain: { blockTime: '250ms' }, subnets: ['./x'] }),
    });
    const { config, filepath } = await loadConfig({ cwd, env: {} });
    expect(filepath).toBe(join(cwd, 'subnetkit.config.json'));
    expect(config.chain.blockTime).toBe(250);
    expect(config.subnets).toEqual(['./x']);
  });

  test('reads the subnetkit key of package.json and a JS config', async () => {
    const fromPkg = project({ 'package.json': JSON.stringify({ name: 'p', subnetkit: { network: 'test' } }) });
    expect((await loadConfig({ cwd: fromPkg, env: {} })).config.network).toBe('test');
    const fromJs = project({ 'subnetkit.config.mjs': 'export default { axon: { port: 9000 } };' });
    expect((await loadConfig({ cwd: fromJs, env: {} })).config.axon.port).toBe(9000);
  });

  test('environment beats the file and flags beat the environment', async () => {
    const cwd = project({ 'subnetkit.config.json': JSON.stringify({ log: { level: 'warn' }, network: 'test' }) });
    const env = { SUBNETKIT_LOG_LEVEL: 'debug', SUBNETKIT_NETWORK: 'finney', SUBNETKIT_ALLOW_REMOTE_MODELS: '1' };
    const { config } = await loadConfig({ cwd, env, overrides: { network: 'ws://127.0.0.1:9944' } });
    expect(config.log.level).toBe('debug');
    expect(config.models.allowRemote).toBe(true);
    expect(config.network).toBe('ws://127.0.0.1:9944');
  });

  test('a bad value names the file, the key and what was expected', async () => {
    const cwd = project({ 'subnetkit.config.json': JSON.stringify({ chain: { blockTime: 'fast' } }) });
    const err = (await loadConfig({ cwd, env: {} }).catch((e: unknown) => e)) as SubnetkitError;
    expect(err).toBeInstanceOf(SubnetkitError);
    expect(err.code).toBe('SK_CONFIG_INVALID');
    expect(err.details).toMatchObject({ key: 'chain.blockTime', file: join(cwd, 'subnetkit.config.json') });
    expect(err.message).toMatch(/subnetkit\.config\.json: "chain\.blockTime": expected a duration/);
  });

  test('an unknown key is refused by name', async () => {
    const cwd = project({ 'subnetkit.config.json': JSON.stringify({ axon: { prot: 1 } }) });
    await expect(loadConfig({ cwd, env: {} })).rejects.toMatchObject({
      code: 'SK_CONFIG_INVALID',
      message: expect.stringMatching(/"axon": unknown key\(s\) prot/),
    });
  });

  test('a bad environment value is reported like a file value', async () => {
    await expect(loadConfig({ cwd: project({}), env: { SUBNETKIT_DEVICE: 'tpu' } })).rejects.toMatchObject({
      code: 'SK_CONFIG_INVALID',
      details: { key: 'models.device' },
    });
  });

  test('unparseable JSON is SK_CONFIG_UNREADABLE naming the file', async () => {
    const cwd = project({ 'subnetkit.config.json': '{ nope' });
    await expect(loadConfig({ cwd, env: {} })).rejects.toMatchObject({
      code: 'SK_CONFIG_UNREADABLE',
      message: expect.stringContaining('subnetkit.config.json'),
    });
  });
});
