import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KINDS, type Kind, pool, type Ran, ROOT, sh } from './scaffold-helpers.js';

// The README's path for a new user, verbatim, in empty folders outside the repository, with this
// repository's CLI reached as the README says (`npx --prefix <repo> subnetkit`):
//   subnetkit new my-subnet --kind <kind> --yes && cd my-subnet && npm install && npm test && npx subnetkit doctor
// No .npmrc is written: skipping onnxruntime-node's CUDA download is the generated package's job.
// @subnetkit/* is not on the npm registry, so `new` packs this installation into vendor/ (once per
// content: the tarballs are cached, so the four kinds share one pack).
//
// The four kinds declare the same dependencies on the same vendored tarballs (checked below), so
// the README's whole path (install, test, doctor) runs for one kind: an install is ~600 packages
// into an empty folder, the slowest step of the suite, and the others would install the very same
// tree. What differs by kind, the template's sources and tests, is covered in publish.test.ts:
// every kind type-checks and builds there, runs its own tests (reward and whole-network gauntlet)
// in one vitest run, and is installed from its tarball, loaded and run as a network.
//
// npm answers from its cache without asking the registry whether each of ~600 cached packuments is
// still fresh (--prefer-offline, as an environment setting: the command stays the README's), so an
// install waits on the registry only for what the cache lacks.

const UNKNOWN_CONFIG = /Unknown (project|user|global|env|cli|builtin) config/i;
const outside = Object.fromEntries(
  KINDS.map((k) => [k, mkdtempSync(join(tmpdir(), `subnetkit-outside-${k}-`))]),
) as Record<Kind, string>;
const pkgDir = (kind: Kind) => join(outside[kind], 'my-subnet');
const made = {} as Record<Kind, Ran>;
/** The kind that goes the README's whole way: new, npm install, npm test, doctor. */
const [FIRST, ...REST] = KINDS;
let install: Ran;

/** What `npm install` resolves from: the dependency fields and the vendored tarballs' bytes. */
function installInputs(kind: Kind): unknown {
  const pkg = JSON.parse(readFileSync(join(pkgDir(kind), 'package.json'), 'utf8'));
  const vendor = join(pkgDir(kind), 'vendor');
  const tarballs = readdirSync(vendor)
    .sort()
    .map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(vendor, f)))
        .digest('hex'),
    ]);
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

beforeAll(async () => {
  // the first `new` packs, the others reuse its tarballs (and are made while the first installs)
  made[FIRST] = await subnetkitNew(FIRST);
  const installing =
    made[FIRST].code === 0
      ? sh('npm', ['install'], pkgDir(FIRST), { npm_config_prefer_offline: 'true' })
      : Promise.resolve(made[FIRST]);
  const rest = await pool(REST, 2, subnetkitNew);
  REST.forEach((kind, i) => {
    made[kind] = rest[i] as Ran;
  });
  install = await installing;
});

afterAll(() => {
  for (const dir of Object.values(outside)) rmSync(dir, { recursive: true, force: true });
});

describe('outside the repository', { tags: ['slow'] }, () => {
  test('subnetkit new writes a package on the local tarballs and says so in one line', () => {
    for (const kind of KINDS) {
      const r = made[kind];
      expect(r.code, `${kind}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`created my-subnet \\(${kind}\\) in my-subnet`));
      const notes = r.stderr.split('\n').filter((l) => l.startsWith('note:'));
      expect(notes, kind).toHaveLength(1);
      expect(notes[0]).toMatch(/vendor\//);
      const pkg = JSON.parse(readFileSync(join(pkgDir(kind), 'package.json'), 'utf8'));
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
    expect(existsSync(join(pkgDir(FIRST), 'node_modules', '@subnetkit', 'core', 'package.json'))).toBe(true);
  });

  // side by side: the tests are mostly whole networks in one process, the doctor mostly tsc and npm
  const testAndDoctor = (() => {
    let both: Promise<[Ran, Ran]> | undefined;
    return () => {
      both ??= Promise.all([sh('npm', ['test'], pkgDir(FIRST)), sh('npx', ['subnetkit', 'doctor'], pkgDir(FIRST))]);
      return both;
    };
  })();

  test('npm test passes, the whole-network test included', async () => {
    const [r] = await testAndDoctor();
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/network\.test\.ts/);
    expect(r.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
  });

  test('npx subnetkit doctor builds and passes right after new + install', async () => {
    const [, r] = await testAndDoctor();
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/ok {3}build: npm run build succeeded/);
    expect(r.stdout).toMatch(/ready to publish/);
    expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
  });
});
