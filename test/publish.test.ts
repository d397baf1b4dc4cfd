import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
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
  pool,
  type Ran,
  ROOT,
  sh,
  tsc,
  vitest,
} from './scaffold-helpers.js';

// The two ways a package leaves this repository, in one flow that installs the ~600-package
// dependency tree (~880 MB unpacked: onnxruntime-node and -web, @polkadot, echarts) from the
// registry only once, the suite's slowest step.
//
// The author: the README's path for a new user, verbatim, in empty folders outside the repository,
// with this repository's CLI reached as the README says (`npx --prefix <repo> subnetkit`):
//   subnetkit new my-subnet --kind <kind> --yes && cd my-subnet && npm install && npm test && npx subnetkit doctor
// No .npmrc is written: skipping onnxruntime-node's CUDA download is the generated package's job.
// @subnetkit/* is not on the npm registry, so `new` packs this installation into vendor/ (once per
// content: the tarballs are cached, so the four kinds share one pack). The four kinds declare the
// same dependencies on the same vendored tarballs (checked below), so the whole path (a real
// install into an empty folder, test, doctor) runs for one kind, text; the others would install the
// very same tree. npm answers from its cache without asking the registry whether each cached
// packument is still fresh (--prefer-offline, as an environment setting: the command stays the README's).
//
// The consumer: generate one package per kind, type-check and build them, run their own tests, pack
// the workspace packages (through the cache `subnetkit new` uses) and the generated subnets, and
// install the tarballs into an empty folder the way the README says (third-party dependencies from
// the registry, workspace packages only from the tarballs), then use them there. That folder's
// node_modules starts as hard links of the author's installed tree (`cp -al`: no file data copied,
// no new file inodes; mtimes kept, so npm trusts the hidden lockfile) and its `npm install
// <tarballs>` is real: npm keeps what matches the consumer's dependencies by integrity, adds what is
// missing and removes the rest, so a dependency a tarball forgets to declare is still caught
// (asserted: the author's dev tools are gone, every workspace package is its tarball's contents).
//
// Independent chains run side by side (two cores; most steps also wait on npm or the disk):
//   author: new text → npm install → seed the consumer → [npm test ‖ doctor]; the other kinds' `new`
//   consumer: generate → tsc → [kinds' tests ‖ pack] → (seeded) npm install <tarballs> → checks
// Big trees are deleted last, in afterAll: on this kind of disk, creating files right after many
// deletions costs several times the system time.

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const CLI = join(ROOT, 'packages/cli');
/** Workspace packages to publish: the CLI, every @subnetkit/* package it depends on, and create-subnetkit. */
const WORKSPACE = new Map([...localPackages(CLI), ['create-subnetkit', join(ROOT, 'packages/create-subnetkit')]]);
const UNKNOWN_CONFIG = /Unknown (project|user|global|env|cli|builtin) config/i;

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

// ---- the author's folders: one empty folder per kind, outside the repository
const outside = Object.fromEntries(
  KINDS.map((k) => [k, mkdtempSync(join(tmpdir(), `subnetkit-outside-${k}-`))]),
) as Record<Kind, string>;
const pkgDir = (kind: Kind) => join(outside[kind], 'my-subnet');
const made = {} as Record<Kind, Ran>;
/** The kind that goes the README's whole way: new, npm install, npm test, doctor. */
const [FIRST, ...REST] = KINDS;
const authorModules = join(pkgDir(FIRST), 'node_modules');
let install: Ran;
/** The author's npm test and doctor, side by side once installed (see testAndDoctor). */
let testAndDoctor: Promise<[Ran, Ran]> | undefined;
/** sha256 of the author's hidden lockfile when its tree seeded the consumer's. */
let authorLock = '';

// ---- the consumer's side. Generated inside the repo (.tmp/ is git-ignored) so @subnetkit/core, zod,
// vitest and typescript resolve through the workspace, the way `npm install` would provide them to an author.
const scratch = join(ROOT, '.tmp', `publish-${process.pid}-${Date.now().toString(36)}`);
/** Holds only the generated packages, one folder per kind. */
const generated = join(scratch, 'generated');
const packDir = join(scratch, 'tarballs');
const app = mkdtempSync(join(tmpdir(), 'subnetkit-publish-'));
const npm = (args: string[], cwd = app) => sh('npm', args, cwd);
// --yes=false: run what is installed, never fetch (npm 11 warns about the old --no-install)
const npx = (args: string[]) => npm(['exec', '--yes=false', '--', ...args]);

let dirs: Record<Kind, string>;
/** One `tsc -b --verbose` over every kind's build (tsconfig.build.json) and type-check with tests (tsconfig.json). */
let compiled: Ran;
/** The tsc projects `compiled` built (absolute paths, as tsc --verbose names them). */
const projects: string[] = [];
/** name → { path: size } of what each tarball holds. */
const packed: Record<string, Record<string, number>> = {};
let installLog = '';
/** The generated packages' own tests, running beside packing and installing (runKindTests). */
let kindTests: ReturnType<typeof runKindTests> | undefined;

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

/** What `npm install` resolves from: the dependency fields and the vendored tarballs' bytes. */
function installInputs(kind: Kind): unknown {
  const pkg = manifest(pkgDir(kind));
  const vendor = join(pkgDir(kind), 'vendor');
  const tarballs = readdirSync(vendor)
    .sort()
    .map((f) => [f, sha256(join(vendor, f))]);
  const { dependencies, devDependencies, peerDependencies, optionalDependencies, overrides, allowScripts, engines } =
    pkg;
  return {
    dependencies,
    devDependencies,
    peerDependencies,
    optionalDependencies,
    overrides,
    allowScripts,
    engines,
    tarballs,
  };
}

const subnetkitNew = (kind: Kind) =>
  sh('npx', ['--prefix', ROOT, 'subnetkit', 'new', 'my-subnet', '--kind', kind, '--yes'], outside[kind]);

/**
 * Makes `to` (a node_modules that does not exist yet) hard links of the author's installed tree.
 * npm rewrites its hidden lockfile in place, so the consumer gets a copy of its own (the author's
 * must stay the author's, checked below), and node_modules/ gets its mtime back: npm trusts the
 * hidden lockfile only if no folder is newer than it.
 */
async function seed(from: string, to: string): Promise<void> {
  const linked = await sh('cp', ['-al', from, to], ROOT);
  if (linked.code !== 0) {
    // a cp without -l (not GNU): a plain copy is only slower; npm then checks every package itself
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
  const hidden = join(to, '.package-lock.json');
  rmSync(hidden);
  copyFileSync(join(from, '.package-lock.json'), hidden);
  const lock = statSync(join(from, '.package-lock.json'));
  utimesSync(hidden, lock.atime, lock.mtime);
  const dir = statSync(from);
  utimesSync(to, dir.atime, dir.mtime);
}

/** The other kinds' `new`, made while the first installs (their tests only read what they made). */
let others: Promise<void> | undefined;

/** The author's chain: resolves once the consumer is seeded (or throws why it cannot be). */
async function author(): Promise<void> {
  // the first `new` packs, the others reuse its tarballs (made while the first installs)
  made[FIRST] = await subnetkitNew(FIRST);
  others = pool(REST, 2, subnetkitNew).then((r) =>
    REST.forEach((kind, i) => {
      made[kind] = r[i] as Ran;
    }),
  );
  install =
    made[FIRST].code === 0
      ? await sh('npm', ['install'], pkgDir(FIRST), { npm_config_prefer_offline: 'true' })
      : made[FIRST];
  if (install.code !== 0) {
    throw new Error(`the author's new + npm install failed, nothing to seed the consumer with: ${install.stderr}`);
  }
  try {
    authorLock = sha256(join(authorModules, '.package-lock.json'));
    await seed(authorModules, join(app, 'node_modules'));
  } finally {
    // side by side: the tests are mostly whole networks in one process, the doctor mostly tsc and npm
    // (after seeding: vitest writes its cache into the author's node_modules)
    testAndDoctor = Promise.all([
      sh('npm', ['test'], pkgDir(FIRST)),
      sh('npx', ['subnetkit', 'doctor'], pkgDir(FIRST)),
    ]);
  }
}

/** The consumer's first steps: type-check and build every kind, then start their own tests. */
async function build(): Promise<void> {
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
}

/** The consumer's install: pack, then install the tarballs once `authoring` has seeded node_modules. */
async function packAndInstall(authoring: Promise<void>): Promise<void> {
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
  await authoring;
  const installed = await npm(['install', '--prefer-offline', ...tarballs]);
  installLog = installed.stdout + installed.stderr;
  if (installed.code !== 0) throw new Error(`npm install of the tarballs failed: ${installed.stderr}`);
}

/**
 * The generated packages' own tests, in one vitest run: every kind a project on its own
 * vitest.config.ts, plus a copy of blank whose reward pays everyone the same (it cannot tell honest
 * miners from cheaters, so its tests must fail). The text kind's tests run as the author's `npm
 * test` on a real install: not repeated here. One worker runs every file (the kinds' tests share
 * no state): core and the model runtime load once, not once per file (29 vs 33 CPU-s with two
 * workers). Started once the sources type-check, beside packing and installing.
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

// generating is in-process and quick: the generator's input-error test (not slow) needs only this
beforeAll(async () => {
  dirs = await generateAll(generated);
});

let author$: Promise<void> | undefined;
let built$: Promise<void> | undefined;
let consumer$: Promise<void> | undefined;
/** Starts both chains, once for every slow group below. */
function start(): void {
  if (author$) return;
  author$ = author();
  built$ = build();
  consumer$ = built$.then(() => packAndInstall(author$ as Promise<void>));
  // each group's beforeAll reports what it waits on; these only keep the others from being unhandled
  for (const p of [author$, built$, consumer$]) p.catch(() => {});
}
/** The author's tests assert on what it recorded, failures included (a failed `new` fails its own test). */
const authorDone = async () => {
  start();
  await author$?.catch(() => {});
  await others;
};
const builtDone = async () => {
  start();
  await built$;
};
const consumerDone = async () => {
  start();
  await consumer$;
};

afterAll(async () => {
  // everything started must end before its folders go: deleting is last
  await Promise.allSettled([author$, others, built$, consumer$, kindTests, testAndDoctor]);
  await Promise.all([scratch, app, ...Object.values(outside)].map((dir) => rm(dir, { recursive: true, force: true })));
});

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

describe('outside the repository, as the README says', { tags: ['slow'] }, () => {
  beforeAll(authorDone);

  test('subnetkit new writes a package on the local tarballs and says so in one line', () => {
    for (const kind of KINDS) {
      const r = made[kind];
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`created my-subnet \\(${kind}\\) in my-subnet`));
      const notes = r.stderr.split('\n').filter((l) => l.startsWith('note:'));
      expect(notes, kind).toHaveLength(1);
      expect(notes[0]).toMatch(/vendor\//);
      const pkg = manifest(pkgDir(kind));
      expect(pkg.devDependencies.subnetkit).toMatch(/^file:vendor\/subnetkit-\d+\.\d+\.\d+\.tgz$/);
      expect(existsSync(join(pkgDir(kind), '.npmrc')), kind).toBe(false);
    }
  });

  test('every kind installs from the same inputs (dependency fields and vendored tarballs)', () => {
    // so the first kind's `npm install` below is every kind's install
    for (const kind of REST) expect(installInputs(kind), kind).toEqual(installInputs(FIRST));
  });

  test('npm install succeeds offline from all but the registry, with no npm warning about unknown config', () => {
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).not.toMatch(UNKNOWN_CONFIG);
    // onnxruntime-node's install script (the NuGet download) never ran
    expect(install.stdout + install.stderr).not.toMatch(/nuget|onnxruntime-node.*postinstall/i);
    expect(existsSync(join(authorModules, '@subnetkit', 'core', 'package.json'))).toBe(true);
  });

  test('npm test passes, the whole-network test included', async () => {
    expect(testAndDoctor, 'npm test needs the install above').toBeDefined();
    const [r] = (await testAndDoctor) as [Ran, Ran];
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/network\.test\.ts/);
    expect(r.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
  });

  test('npx subnetkit doctor builds and passes right after new + install', async () => {
    expect(testAndDoctor, 'doctor needs the install above').toBeDefined();
    const [, r] = (await testAndDoctor) as [Ran, Ran];
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/ok {3}build: npm run build succeeded/);
    expect(r.stdout).toMatch(/ready to publish/);
    expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
  });
});

describe('generated subnet packages', { tags: ['slow'] }, () => {
  beforeAll(builtDone);

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
    expect(kindTests).toBeDefined();
    const { ran, report, roots } = await (kindTests as ReturnType<typeof runKindTests>);
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
  beforeAll(consumerDone);

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

  test("the seeded install was reconciled to the consumer's own dependencies", () => {
    // the author's dev tools, which no published package depends on, are gone: npm pruned what the
    // consumer does not depend on, so a dependency a tarball forgets to declare is caught here too
    for (const dev of ['vitest', 'typescript']) {
      expect(existsSync(join(authorModules, dev, 'package.json')), `author's ${dev}`).toBe(true);
      expect(existsSync(join(app, 'node_modules', dev)), `consumer's ${dev}`).toBe(false);
    }
    // and nothing is installed that the consumer's lockfile does not name
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    const top = join(app, 'node_modules');
    const names = readdirSync(top)
      .filter((n) => !n.startsWith('.'))
      .flatMap((n) => (n.startsWith('@') ? readdirSync(join(top, n)).map((m) => `${n}/${m}`) : [n]));
    expect(names.filter((n) => !lock.packages[`node_modules/${n}`])).toEqual([]);
    // every workspace and generated package is its tarball's contents, byte count for byte count
    for (const name of [...WORKSPACE.keys(), ...KINDS.map(packageName)]) {
      expect(lock.packages[`node_modules/${name}`]?.resolved, name).toMatch(/^file:.*\.tgz$/);
      const files = packed[name] ?? {};
      expect(Object.keys(files).length, name).toBeGreaterThan(0);
      const differ = Object.entries(files).filter(([f, size]) => {
        const path = join(top, name, f);
        return !existsSync(path) || statSync(path).size !== size;
      });
      expect(differ, name).toEqual([]);
    }
    // npm rewrote the consumer's hidden lockfile, not the author's it was linked from
    expect(sha256(join(authorModules, '.package-lock.json'))).toBe(authorLock);
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
  // loads every kind's (asserted per kind there), and the author's group runs doctor on a source package
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
