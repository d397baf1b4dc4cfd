import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

// Guards the lazy loading of core's and the CLI's heavy dependencies: importing core, `--help` and a
// usage error must not load them (each would add up to a second of CPU to every CLI child and test
// worker), and the CLI's start loads only command definitions and core's light entry. A preload hook records every module the child resolves through the ESM loader, plus
// require's cache at exit (CommonJS requires inside CommonJS packages bypass the ESM hooks).

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(cliDir, 'dist/bin.js');
const work = mkdtempSync(join(tmpdir(), 'subnetkit-startup-'));
const log = join(work, 'loaded.txt');

writeFileSync(
  join(work, 'hook.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}
`,
);
writeFileSync(
  join(work, 'record.mjs'),
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register('./hook.mjs', import.meta.url);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'));
`,
);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs node with the recorder and returns its exit status and the module paths it loaded. */
function loadedBy(args: string[]): { status: number | null; loaded: string[] } {
  rmSync(log, { force: true });
  const r = spawnSync(process.execPath, ['--import', join(work, 'record.mjs'), ...args], {
    cwd: cliDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Packages that only some commands use; each must load on first use, not at start-up. */
const HEAVY = [
  '@polkadot/api',
  '@polkadot/api-derive',
  '@polkadot/types',
  '@polkadot/rpc-core',
  '@huggingface/transformers',
  'onnxruntime-node',
  'echarts',
  'zrender',
  'undici',
  'prom-client',
];

function heavyIn(loaded: string[]): string[] {
  return HEAVY.filter((name) => loaded.some((p) => p.includes(`/node_modules/${name}/`)));
}

describe('start-up loads no heavy dependency', () => {
  test('importing @subnetkit/core', () => {
    const { status, loaded } = loadedBy(['--input-type=module', '-e', "await import('@subnetkit/core')"]);
    expect(status).toBe(0);
    // the recorder sees both loaders, so an absence below means the package was not loaded
    expect(loaded.some((p) => p.includes('/packages/core/dist/index.js'))).toBe(true);
    expect(loaded.some((p) => p.includes('/node_modules/@polkadot/util-crypto/'))).toBe(true);
    expect(loaded.some((p) => p.includes('/node_modules/tsyringe/'))).toBe(true);
    expect(heavyIn(loaded)).toEqual([]);
    // BLS12-381 builds its curve as it loads; only timelocked weights need it (timelock/curve.ts)
    expect(loaded.filter((p) => /@noble\/curves\/(esm\/)?bls12-381/.test(p))).toEqual([]);
  });

  test('subnetkit --help, a command help and a usage error', () => {
    const help = loadedBy([bin, '--help']);
    expect(help.status).toBe(0);
    expect(help.loaded.some((p) => p.includes('/node_modules/commander/'))).toBe(true);
    expect(heavyIn(help.loaded)).toEqual([]);

    // nothing runs, so no command implementation loads, nor core's full entry: only the definitions
    for (const args of [['--help'], ['localnet', '--help'], ['localnt']]) {
      const run = args[0] === '--help' ? help : loadedBy([bin, ...args]);
      expect(run.status).toBe(args[0] === 'localnt' ? 2 : 0);
      expect(run.loaded.some((p) => p.includes('/packages/cli/dist/commands/localnet-command.js'))).toBe(true);
      expect(run.loaded.filter((p) => IMPLEMENTATION.test(p))).toEqual([]);
      // ~50 today; the full entry alone is ~900, so any eager import of it trips this bound
      expect(new Set(run.loaded).size).toBeLessThan(150);
    }
  });
});

/** What must load only when a command runs: core's full entry, crypto, schemas, command bodies. */
const IMPLEMENTATION =
  /\/packages\/core\/dist\/index\.js|\/node_modules\/(@polkadot|@noble|zod|pino|semver|cli-table3|log-update)\/|\/packages\/cli\/dist\/(commands\/(localnet|wallet|chain-ops|run)|load|chain-access)\.js/;
