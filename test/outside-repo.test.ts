import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KINDS, type Kind, pool, type Ran, ROOT, sh } from './scaffold-helpers.js';

// The README's path for a new user, verbatim, in empty folders outside the repository, with this
// repository's CLI reached as the README says (`npx --prefix <repo> subnetkit`):
//   subnetkit new my-subnet --kind <kind> --yes && cd my-subnet && npm install && npm test && npx subnetkit doctor
// No .npmrc is written: skipping onnxruntime-node's CUDA download is the generated package's job.
// @subnetkit/* is not on the npm registry, so `new` packs this installation into vendor/ (once per
// content: the tarballs are cached, so the four kinds share one pack).
//
// The four kinds declare the same dependencies on the same vendored tarballs, so only the first
// kind installs into an empty folder (~600 packages, the slowest step of the suite); the others,
// when their install inputs match the first's (checked), start from a copy of its node_modules
// (hard links: ~900 MB, onnxruntime's binaries mostly, that nothing here writes to) and lock,
// and their own `npm install` checks that tree against their package.json.
//
// npm answers from its cache without asking the registry whether each of ~600 cached packuments is
// still fresh (--prefer-offline, as an environment setting: the command stays the README's), so an
// install waits on the registry only for what the cache lacks.

const UNKNOWN_CONFIG = /Unknown (project|user|global|env|cli|builtin) config/i;
const outside = Object.fromEntries(
  KINDS.map((k) => [k, mkdtempSync(join(tmpdir(), `subnetkit-outside-${k}-`))]),
) as Record<Kind, string>;
const pkgDir = (kind: Kind) => join(outside[kind], 'my-subnet');
const steps: Record<Kind, { new: Ran; install: Ran }> = {} as never;
const [FIRST, ...REST] = KINDS;

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
  const { name, dependencies, devDependencies, peerDependencies, optionalDependencies, overrides, allowScripts } = pkg;
  return {
    name,
    dependencies,
    devDependencies,
    peerDependencies,
    optionalDependencies,
    overrides,
    allowScripts,
    tarballs,
  };
}

const PREFER_OFFLINE = { npm_config_prefer_offline: 'true' };
const npmInstall = (kind: Kind) => sh('npm', ['install'], pkgDir(kind), PREFER_OFFLINE);

/** Copies the first kind's installed tree into `kind`'s folder: hard links where the file system allows. */
async function copyInstall(kind: Kind): Promise<Ran> {
  const lock = await sh('cp', [join(pkgDir(FIRST), 'package-lock.json'), pkgDir(kind)], ROOT);
  if (lock.code !== 0) return lock;
  const from = join(pkgDir(FIRST), 'node_modules');
  const linked = await sh('cp', ['-al', from, pkgDir(kind)], ROOT);
  if (linked.code === 0) return linked;
  rmSync(join(pkgDir(kind), 'node_modules'), { recursive: true, force: true });
  return sh('cp', ['-a', from, pkgDir(kind)], ROOT);
}

const subnetkitNew = (kind: Kind) =>
  sh('npx', ['--prefix', ROOT, 'subnetkit', 'new', 'my-subnet', '--kind', kind, '--yes'], outside[kind]);

beforeAll(async () => {
  // the first `new` packs, the others reuse its tarballs (and are made while the first installs)
  const first = await subnetkitNew(FIRST);
  const firstInstall = first.code === 0 ? npmInstall(FIRST) : Promise.resolve(first);
  const made = await pool(REST, 2, subnetkitNew);
  steps[FIRST] = { new: first, install: await firstInstall };
  await pool(REST, 2, async (kind) => {
    const i = REST.indexOf(kind);
    const own = made[i] as Ran;
    let install = own;
    // reuse only when the inputs match (a rebuild of the workspace mid-run changes the tarballs)
    if (
      own.code === 0 &&
      steps[FIRST].install.code === 0 &&
      isDeepStrictEqual(installInputs(kind), installInputs(FIRST))
    ) {
      const copy = await copyInstall(kind);
      install = copy.code === 0 ? await npmInstall(kind) : copy;
    } else if (own.code === 0) {
      install = await npmInstall(kind);
    }
    steps[kind] = { new: own, install };
  });
});

afterAll(() => {
  for (const dir of Object.values(outside)) rmSync(dir, { recursive: true, force: true });
});

describe('outside the repository', { tags: ['slow'] }, () => {
  test('subnetkit new writes a package on the local tarballs and says so in one line', () => {
    for (const kind of KINDS) {
      const made = steps[kind].new;
      expect(made.code, `${kind}: ${made.stderr}`).toBe(0);
      expect(made.stdout).toMatch(new RegExp(`created my-subnet \\(${kind}\\) in my-subnet`));
      const notes = made.stderr.split('\n').filter((l) => l.startsWith('note:'));
      expect(notes, kind).toHaveLength(1);
      expect(notes[0]).toMatch(/vendor\//);
      const pkg = JSON.parse(readFileSync(join(pkgDir(kind), 'package.json'), 'utf8'));
      expect(pkg.devDependencies.subnetkit).toMatch(/^file:vendor\/subnetkit-\d+\.\d+\.\d+\.tgz$/);
      expect(existsSync(join(pkgDir(kind), '.npmrc')), kind).toBe(false);
    }
  });

  test('npm install succeeds offline from all but the registry, with no npm warning about unknown config', () => {
    for (const kind of KINDS) {
      const { install } = steps[kind];
      expect(install.code, `${kind}: ${install.stderr}`).toBe(0);
      expect(install.stdout + install.stderr, kind).not.toMatch(UNKNOWN_CONFIG);
      // onnxruntime-node's install script (the NuGet download) never ran
      expect(install.stdout + install.stderr, kind).not.toMatch(/nuget|onnxruntime-node.*postinstall/i);
      expect(existsSync(join(pkgDir(kind), 'node_modules', '@subnetkit', 'core', 'package.json')), kind).toBe(true);
    }
  });

  test('npm test passes for every kind, the whole-network test included', async () => {
    const results = await pool(KINDS, 2, (kind) => sh('npm', ['test'], pkgDir(kind)));
    results.forEach((r, i) => {
      expect(r.code, `${KINDS[i]}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/network\.test\.ts/);
      expect(r.stdout).toMatch(/Tests\s+\d+ passed/);
      expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
    });
  });

  test('npx subnetkit doctor builds and passes right after new + install', async () => {
    const results = await pool(KINDS, 2, (kind) => sh('npx', ['subnetkit', 'doctor'], pkgDir(kind)));
    results.forEach((r, i) => {
      expect(r.code, `${KINDS[i]}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/ok {3}build: npm run build succeeded/);
      expect(r.stdout).toMatch(/ready to publish/);
      expect(r.stdout + r.stderr).not.toMatch(UNKNOWN_CONFIG);
    });
  });
});
