import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { t as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { localPackages, packLocal } from '../packages/cli/dist/commands/new-dependencies.js';
import {
  cli,
  generateAll,
  KINDS,
  type Kind,
  packageName,
  type Ran,
  ROOT,
  sh,
  tsc,
  vitest,
} from './scaffold-helpers.js';

// The path from source to a user's machine: generate one package per kind, type-check and build
// them, pack the workspace packages (once per content, through the cache `subnetkit new --deps
// local` uses too) and the generated subnets, install the tarballs into an empty folder outside
// the workspace the way the README says (third-party dependencies from the npm registry, workspace
// packages only from the tarballs) and use them there. One set of generated, built packages and
// one packed install are shared by the whole file (the generator's own checks included: they were
// a file of their own that generated and built the same four packages again).

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const CLI = join(ROOT, 'packages/cli');
/** Workspace packages to publish: the CLI, every @subnetkit/* package it depends on, and create-subnetkit. */
const WORKSPACE = new Map([...localPackages(CLI), ['create-subnetkit', join(ROOT, 'packages/create-subnetkit')]]);

/** Unpacked bytes each published package may take (core: its tiny offline models aside). */
const BUDGET: Record<string, number> = {
  // 3.07 MB on 2026-12-03 (devnet metadata, source maps), past the 3 MB set when it was smaller
  '@subnetkit/core': 3_300_000,
  subnetkit: 1_000_000,
  'create-subnetkit': 50_000,
  '@subnetkit/subnet-text': 1_000_000,
  '@subnetkit/subnet-image': 1_000_000,
  '@subnetkit/subnet-predict': 1_500_000,
};

// Generated inside the repo (.tmp/ is git-ignored) so @subnetkit/core, zod, vitest and typescript
// resolve through the workspace, the way `npm install` would provide them to an author.
const scratch = join(ROOT, '.tmp', `publish-${process.pid}-${Date.now().toString(36)}`);
/** Holds only the generated packages, one folder per kind. */
const generated = join(scratch, 'generated');
const packDir = join(scratch, 'tarballs');
const app = mkdtempSync(join(tmpdir(), 'subnetkit-publish-'));
const npm = (args: string[], cwd = app) => sh('npm', args, cwd);
// --yes=false: run what is installed, never fetch (npm 11 warns about the old --no-install)
const npx = (args: string[]) => npm(['exec', '--yes=false', '--', ...args]);
const UNKNOWN_CONFIG = /Unknown (project|user|global|env|cli|builtin) config/i;

let dirs: Record<Kind, string>;
/** One `tsc -b --verbose` over every kind's build (tsconfig.build.json) and type-check with tests (tsconfig.json). */
let compiled: Ran;
/** The tsc projects `compiled` built (absolute paths, as tsc --verbose names them). */
const projects: string[] = [];
/** name → { path: size } of what each tarball holds. */
const packed: Record<string, Record<string, number>> = {};
let installLog = '';
/** The generated packages' own tests, running beside packing and installing (runKindTests). */
let kindTests: ReturnType<typeof runKindTests>;

async function contents(tarball: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  await listTar({
    file: tarball,
    onReadEntry: (e) => {
      files[e.path.replace(/^package\//, '')] = e.size;
    },
  });
  return files;
}

// generating is in-process and quick: the generator's input-error test (not slow) needs only this
beforeAll(async () => {
  dirs = await generateAll(generated);
});

afterAll(async () => {
  await kindTests?.catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
  rmSync(app, { recursive: true, force: true });
});

let prepared: Promise<void> | undefined;
/** Builds, packs and installs, once for both slow groups below (a failure fails both). */
const buildPackInstall = (): Promise<void> => {
  prepared ??= prepare();
  return prepared;
};

async function prepare(): Promise<void> {
  for (const dir of WORKSPACE.values()) {
    const entry = join(dir, 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the workspace first (npm run build)`);
  }
  // One tsc process for the 8 projects: lib, @types/node, core and zod declarations are parsed
  // once (tsc -b caches .d.ts files across projects) instead of once per project (a third of the
  // CPU). Each project extends the generated package's own config; only where tsc -b keeps its
  // build info changes, so that nothing but the build lands in dist/.
  const solution = join(scratch, 'tsc');
  mkdirSync(solution, { recursive: true });
  for (const kind of KINDS) {
    for (const [role, config, extra] of [
      ['build', 'tsconfig.build.json', {}],
      ['check', 'tsconfig.json', { noEmit: true }],
    ] as const) {
      const file = join(solution, `${role}-${kind}.json`);
      const compilerOptions = { ...extra, tsBuildInfoFile: `./info/${role}-${kind}.tsbuildinfo` };
      writeFileSync(file, JSON.stringify({ extends: join(dirs[kind], config), compilerOptions }));
      projects.push(file);
    }
  }
  compiled = await tsc(['-b', '--verbose', ...projects], scratch);
  if (compiled.code !== 0) throw new Error(`building or type-checking the packages failed: ${compiled.stdout}`);
  kindTests = runKindTests();
  kindTests.catch(() => {}); // its test reports a failure; this only keeps it from being unhandled
  const workspace = await packLocal(WORKSPACE, { workspaceRoot: ROOT });
  mkdirSync(packDir, { recursive: true });
  const pack = await npm(['pack', '--json', '--pack-destination', packDir, ...KINDS.map((k) => dirs[k])], ROOT);
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarballs = [...workspace.values()];
  for (const p of JSON.parse(pack.stdout) as { filename: string }[]) tarballs.push(join(packDir, p.filename));
  for (const [name, file] of [...workspace, ...KINDS.map((k, i) => [packageName(k), tarballs[workspace.size + i]])]) {
    packed[name as string] = await contents(file as string);
  }
  // as the README says for an empty folder: a package.json that denies onnxruntime-node's CUDA download
  for (const args of [
    ['init', '-y'],
    ['pkg', 'set', 'type=module'],
    ['pkg', 'set', 'allowScripts.onnxruntime-node=false', '--json'],
  ]) {
    const r = await npm(args);
    if (r.code !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stderr}`);
  }
  const install = await npm(['install', '--prefer-offline', ...tarballs]);
  installLog = install.stdout + install.stderr;
  if (install.code !== 0) throw new Error(`npm install of the tarballs failed: ${install.stderr}`);
}

/**
 * The generated packages' own tests, in one vitest run: every kind a project on its own
 * vitest.config.ts, plus a copy of blank whose reward pays everyone the same (it cannot tell honest
 * miners from cheaters, so its tests must fail). The text kind's tests run in outside-repo.test.ts,
 * as its `npm test` on a real install: not repeated here. One worker runs every file (the kinds'
 * tests share no state): core and the model runtime load once, not once per file (29 vs 33 CPU-s
 * with two workers). Started once the sources type-check, beside packing and installing.
 */
async function runKindTests(): Promise<{ ran: Ran; report: string; roots: Record<string, string> }> {
  const broken = join(scratch, 'blank-broken');
  cpSync(dirs.blank, broken, { recursive: true, filter: (src) => relative(dirs.blank, src).split(sep)[0] !== 'dist' });
  const reward = join(broken, 'src', 'reward.ts');
  const source = readFileSync(reward, 'utf8');
  if (!source.includes('return right / truth.length;')) throw new Error(`${reward}: the reward to break is not there`);
  writeFileSync(reward, source.replace('return right / truth.length;', 'return 1;'));
  const roots: Record<string, string> = {
    image: dirs.image,
    predict: dirs.predict,
    blank: dirs.blank,
    'blank-broken': broken,
  };
  const config = join(scratch, 'kinds.vitest.config.mjs');
  const projects = Object.entries(roots).map(([name, root]) => ({
    extends: join(root, 'vitest.config.ts'),
    test: { name, root },
  }));
  const options = { tags: [{ name: 'slow', timeout: 600_000 }], isolate: false, maxWorkers: 1, projects };
  writeFileSync(config, `export default ${JSON.stringify({ test: options })};\n`);
  const report = join(scratch, 'kinds.json');
  const ran = await vitest(['run', '--config', config, '--reporter=json', `--outputFile=${report}`], scratch);
  return { ran, report, roots };
}

describe('generator input errors', () => {
  test('leave nothing behind', async () => {
    const target = join(generated, 'never');
    // bad names and kinds are usage errors (exit 2); an occupied folder is a failure (exit 1)
    expect((await cli(['new', 'Bad Name', '--dir', target, '--yes'])).code).toBe(2);
    expect((await cli(['new', 'ok-name', '--kind', 'audio', '--dir', target, '--yes'])).code).toBe(2);
    expect((await cli(['new', 'ok-name', '--dir', dirs.text, '--yes'])).code).toBe(1);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(generated).sort()).toEqual([...KINDS].sort());
  });
});

describe('generated subnet packages', { tags: ['slow'] }, () => {
  beforeAll(buildPackInstall);

  test('type-check (sources and tests) for every kind', () => {
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
    // every project was built, none skipped as up to date
    for (const project of projects) expect(compiled.stdout).toContain(`Building project '${project}'`);
    expect(projects.filter((p) => p.includes('check-'))).toHaveLength(KINDS.length);
  });

  test('build to dist with types, without tests', () => {
    expect(compiled.code, compiled.stdout).toBe(0);
    for (const kind of KINDS) {
      const dist = readdirSync(join(dirs[kind], 'dist'));
      expect(dist).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'reward.js', 'reward.d.ts']));
      expect(dist.filter((f) => f.includes('.test.'))).toEqual([]);
    }
  });

  test('pass their own tests (reward and whole-network gauntlet), and fail them when the reward is broken', async () => {
    const { ran, report, roots } = await kindTests;
    expect(ran.code, ran.stdout + ran.stderr).not.toBe(0);
    const results = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { name: string; status: string }[] };
    const status = Object.fromEntries(results.testResults.map((t) => [t.name, t.status]));
    for (const [name, root] of Object.entries(roots)) {
      const expected = name === 'blank-broken' ? 'failed' : 'passed';
      for (const file of ['reward.test.ts', 'network.test.ts']) {
        expect(status[join(root, 'src', file)], `${name}/${file}`).toBe(expected);
      }
    }
  });
});

describe('published packages', { tags: ['slow'] }, () => {
  beforeAll(buildPackInstall);

  test('a generated package ships dist, README and package.json only', () => {
    for (const kind of KINDS) {
      const files = Object.keys(packed[packageName(kind)] ?? {});
      expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']));
      expect(files.filter((f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json')).toEqual([]);
      expect(files.filter((f) => f.includes('.test.'))).toEqual([]);
    }
  });

  test('the CLI ships the generator with frozen versions', () => {
    const files = Object.keys(packed.subnetkit ?? {});
    expect(files).toEqual(
      expect.arrayContaining([
        'generator/plopfile.js',
        'generator/versions.json',
        'generator/templates/subnet/common/_gitignore',
      ]),
    );
    expect(existsSync(join(ROOT, 'packages/cli/generator'))).toBe(false); // packed from a staged copy
  });

  test('every published package has a README, no tests, fixtures or helpers, and fits its size budget', () => {
    for (const name of WORKSPACE.keys()) {
      const files = packed[name] ?? {};
      expect(Object.keys(files), name).toContain('README.md');
      // (the CLI's generator/templates hold the generated packages' test templates, *.test.ts.hbs)
      const unwanted = Object.keys(files).filter(
        (f) =>
          !f.startsWith('generator/templates/') &&
          /(\.test\.|\.test-helper\.|test-helpers\.|\.fixture\.|^test-fixtures\/|^dist\/.*\/fixtures\/|\.tsbuildinfo$)/.test(
            f,
          ),
      );
      expect(unwanted, name).toEqual([]);
      const bytes = Object.entries(files)
        .filter(([f]) => name !== '@subnetkit/core' || !f.startsWith('fixtures/models/'))
        .reduce((sum, [, size]) => sum + size, 0);
      expect(bytes, `${name}: ${bytes} bytes unpacked`).toBeLessThan(BUDGET[name] as number);
    }
    // the offline models core tests and localnets run on do ship
    expect(Object.keys(packed['@subnetkit/core'] ?? {})).toContain('fixtures/models/tiny-bert/onnx/model.onnx');
  });

  test('installing in an empty folder skips the CUDA download through allowScripts, without npm warnings about config', () => {
    expect(installLog).not.toMatch(UNKNOWN_CONFIG);
    expect(installLog).not.toMatch(/nuget/i);
    expect(manifest(app).allowScripts).toEqual({ 'onnxruntime-node': false });
  });

  test('workspace packages were installed from the tarballs, not linked', () => {
    for (const dir of WORKSPACE.values()) {
      const { name, version } = manifest(dir);
      const installed = join(app, 'node_modules', name);
      expect(lstatSync(installed).isSymbolicLink(), name).toBe(false);
      expect(manifest(installed).version).toBe(version);
    }
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@subnetkit/core'].resolved).toMatch(/^file:.*subnetkit-core-.*\.tgz$/);
  });

  // on one installed package: the doctor's plugin check loads it the way `subnets available` below
  // loads every kind's (asserted per kind there), and outside-repo.test.ts runs doctor on a source package
  test('npx subnetkit doctor passes for an installed generated package', async () => {
    const r = await npx(['subnetkit', 'doctor', join('node_modules', packageName('blank')), '--json']);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, subnet: 'blank' });
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

  test('subnetkit new, create-subnetkit and npm init subnetkit work outside the workspace, on vendored tarballs', async () => {
    const a = await npx(['subnetkit', 'new', '@outside/subnet-a', '--kind', 'blank', '--yes', '--json']);
    expect(a.code, a.stderr).toBe(0);
    // the first packed the installation into the tarball cache; these two reuse it, side by side
    // (each mostly waits on npm's start and its registry probe)
    const [b, c] = await Promise.all([
      npx(['create-subnetkit', '@outside/subnet-b', '--kind', 'image', '--yes', '--json']),
      npm(['init', 'subnetkit', '@outside/subnet-c', '--', '--kind', 'predict', '--yes', '--json']),
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    const root = manifest(ROOT);
    const core = manifest(join(ROOT, 'packages/core'));
    for (const [name, r] of [
      ['subnet-a', a],
      ['subnet-b', b],
      ['subnet-c', c],
    ] as const) {
      // @subnetkit/* is not on the registry: the installed subnetkit packs itself into vendor/
      expect(r.stderr).toMatch(
        /^note: @subnetkit\/core@0\.1\.0 (is not on|could not be looked up on) the npm registry: .*vendor\//m,
      );
      expect(r.stderr).not.toMatch(UNKNOWN_CONFIG);
      const pkg = manifest(join(app, name));
      expect(pkg.peerDependencies['@subnetkit/core']).toBe(`^${core.version}`);
      expect(pkg.devDependencies['@subnetkit/core']).toBe(`file:vendor/subnetkit-core-${core.version}.tgz`);
      expect(existsSync(join(app, name, 'vendor', `subnetkit-core-${core.version}.tgz`))).toBe(true);
      expect(pkg.devDependencies.vitest).toBe(root.devDependencies.vitest);
      expect(pkg.devDependencies.typescript).toBe(root.devDependencies.typescript);
      expect(pkg.dependencies.zod).toBe(core.dependencies.zod);
      expect(pkg.allowScripts).toEqual(root.allowScripts);
      expect(existsSync(join(app, name, '.gitignore'))).toBe(true);
    }
  });

  test('subnets available lists the installed subnet packages, and localnet runs one from its tarball', async () => {
    const r = await npx(['subnetkit', 'subnets', 'available', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as { package: string; subnet?: string; ok: boolean }[];
    const expected = [
      ...KINDS.map(packageName),
      '@subnetkit/subnet-image',
      '@subnetkit/subnet-predict',
      '@subnetkit/subnet-text',
    ];
    expect(list.map((s) => s.package).sort()).toEqual(expected.sort());
    expect(list.every((s) => s.ok)).toBe(true);
    for (const kind of KINDS) expect(list.find((s) => s.package === packageName(kind))?.subnet).toBe(kind);

    const tarball = join(packDir, `scaffold-test-subnet-blank-0.0.0.tgz`);
    const run = await npx([
      'subnetkit',
      'localnet',
      '--subnets',
      tarball,
      '--epochs',
      '1',
      '--tempo',
      '10',
      '--block-time',
      '50ms',
      '--json',
      '--data-dir',
      join(app, '.subnetkit', 'tarball-net'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.subnets.map((s: { name: string }) => s.name)).toEqual(['blank']);
    expect(summary.subnets[0].epochs).toBeGreaterThanOrEqual(1);
  });
});
