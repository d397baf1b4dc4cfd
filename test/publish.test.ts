import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateAll, KINDS, type Kind, packageName, pool, ROOT, sh, tsc } from './scaffold-helpers.js';

// The path from source to a user's machine: build, npm pack the workspace packages and generated
// subnets, install the tarballs into an empty folder outside the workspace (third-party
// dependencies come from the npm registry, workspace packages only from the tarballs) and use
// them there. One packed install is shared by the whole file.

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const cliDeps = Object.keys(manifest(join(ROOT, 'packages/cli')).dependencies ?? {});
/** Workspace packages to pack: core, the CLI, what the CLI depends on, and create-subnetkit. */
const WORKSPACE = [
  'core',
  'cli',
  'create-subnetkit',
  ...cliDeps.filter((d) => d.startsWith('@subnetkit/subnet-')).map((d) => d.slice('@subnetkit/'.length)),
].map((folder) => join(ROOT, 'packages', folder));

const scratch = join(ROOT, '.tmp', `publish-${process.pid}-${Date.now().toString(36)}`);
const packDir = join(scratch, 'tarballs');
const app = mkdtempSync(join(tmpdir(), 'subnetkit-publish-'));
const npm = (args: string[], cwd = app) => sh('npm', args, cwd);
const npx = (args: string[]) => npm(['exec', '--no-install', '--', ...args]);

let dirs: Record<Kind, string>;
const packed: Record<string, string[]> = {};

beforeAll(async () => {
  for (const dir of WORKSPACE) {
    const entry = join(dir, 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the workspace first (npm run build)`);
  }
  dirs = await generateAll(scratch);
  const builds = await pool(KINDS, 2, (kind) => tsc(['-p', join(dirs[kind], 'tsconfig.build.json')], ROOT));
  builds.forEach((r, i) => {
    if (r.code !== 0) throw new Error(`building the ${KINDS[i]} package failed: ${r.stdout}${r.stderr}`);
  });
  mkdirSync(packDir, { recursive: true });
  const pack = await npm(
    ['pack', '--json', '--pack-destination', packDir, ...WORKSPACE, ...KINDS.map((k) => dirs[k])],
    ROOT,
  );
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarballs: string[] = [];
  for (const p of JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[]) {
    packed[p.name] = p.files.map((f) => f.path).sort();
    tarballs.push(join(packDir, p.filename));
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // as in the repo's .npmrc: onnxruntime-node's CUDA download would leave the npm registry
  writeFileSync(join(app, '.npmrc'), 'onnxruntime-node-install=skip\nfund=false\naudit=false\n');
  const install = await npm([
    'install',
    '--prefer-offline',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    ...tarballs,
  ]);
  if (install.code !== 0) throw new Error(`npm install of the tarballs failed: ${install.stderr}`);
}, 400_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(app, { recursive: true, force: true });
});

describe('published packages', { tags: ['slow'] }, () => {
  test('a generated package ships dist, README and package.json only', () => {
    for (const kind of KINDS) {
      const files = packed[packageName(kind)] ?? [];
      expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
      expect(files.filter((f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json')).toEqual([]);
      expect(files.filter((f) => f.includes('.test.'))).toEqual([]);
    }
  });

  test('the CLI ships the generator with frozen versions', () => {
    const files = packed.subnetkit ?? [];
    expect(files).toEqual(
      expect.arrayContaining([
        'generator/plopfile.js',
        'generator/versions.json',
        'generator/templates/subnet/common/_gitignore',
      ]),
    );
    expect(existsSync(join(ROOT, 'packages/cli/generator'))).toBe(false); // postpack cleaned up
  });

  test('workspace packages were installed from the tarballs, not linked', () => {
    for (const dir of WORKSPACE) {
      const { name, version } = manifest(dir);
      const installed = join(app, 'node_modules', name);
      expect(lstatSync(installed).isSymbolicLink(), name).toBe(false);
      expect(manifest(installed).version).toBe(version);
    }
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@subnetkit/core'].resolved).toMatch(/^file:.*subnetkit-core-.*\.tgz$/);
  });

  test('npx subnetkit doctor passes for every installed generated package', async () => {
    const results = await pool(KINDS, 2, (kind) =>
      npx(['subnetkit', 'doctor', join('node_modules', packageName(kind)), '--json']),
    );
    results.forEach((r, i) => {
      expect(r.code, `${KINDS[i]}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, subnet: KINDS[i] });
    });
  });

  test('each installed package loads by name and runs a short in-process network', async () => {
    writeFileSync(
      join(app, 'run-network.mjs'),
      `import { createTestNetwork, incentiveByProfile } from '@subnetkit/core/testing';
const results = {};
for (const name of process.argv.slice(2)) {
  const net = await createTestNetwork({ subnet: name, cwd: process.cwd(), miners: ['honest', 'lazy', 'random'], validators: 1, tempo: 10, seed: 1 });
  try {
    const summary = await net.runEpochs(2);
    results[name] = { subnet: summary.subnets[0].name, incentive: incentiveByProfile(summary.subnets[0].neurons) };
  } finally {
    await net.close();
  }
}
process.stdout.write(JSON.stringify(results) + '\\n');
`,
    );
    const r = await sh(process.execPath, ['run-network.mjs', ...KINDS.map(packageName)], app);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    for (const kind of KINDS) {
      const { subnet, incentive } = results[packageName(kind)];
      expect(subnet).toBe(kind);
      expect(incentive.honest, kind).toBeGreaterThan(0);
      expect(incentive.honest, kind).toBeGreaterThan(incentive.lazy);
      expect(incentive.honest, kind).toBeGreaterThan(incentive.random);
    }
  });

  test('subnetkit new and create-subnetkit work outside the workspace, with versions from the workspace', async () => {
    const a = await npx(['subnetkit', 'new', '@outside/subnet-a', '--kind', 'blank', '--yes', '--json']);
    expect(a.code, a.stderr).toBe(0);
    const b = await npx(['create-subnetkit', '@outside/subnet-b', '--kind', 'image', '--yes', '--json']);
    expect(b.code, b.stderr).toBe(0);
    const root = manifest(ROOT);
    const core = manifest(join(ROOT, 'packages/core'));
    for (const name of ['subnet-a', 'subnet-b']) {
      const pkg = manifest(join(app, name));
      expect(pkg.peerDependencies['@subnetkit/core']).toBe(`^${core.version}`);
      expect(pkg.devDependencies.vitest).toBe(root.devDependencies.vitest);
      expect(pkg.devDependencies.typescript).toBe(root.devDependencies.typescript);
      expect(pkg.dependencies.zod).toBe(core.dependencies.zod);
      expect(existsSync(join(app, name, '.gitignore'))).toBe(true);
    }
  });
});
