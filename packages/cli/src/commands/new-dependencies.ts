import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { SubnetkitError } from '@subnetkit/core/light';

/**
 * Where a generated package gets `@subnetkit/core` and the `subnetkit` CLI from:
 * - `registry`: plain semver ranges (the packages are on the npm registry),
 * - `local`: tarballs packed from the subnetkit installation that generates it, copied into
 *   `vendor/` and named with `file:` specs (works while @subnetkit/* is not published),
 * - `workspace`: semver ranges served by the source workspace the package is generated in.
 */
export type DependencySource = 'registry' | 'local' | 'workspace';

/** What `--deps` accepts: a source, or `auto` (registry when the core is published there, else local). */
export const DEPS_CHOICES = ['auto', 'registry', 'local'] as const;
export type DepsChoice = (typeof DEPS_CHOICES)[number];

export interface DependencyPlan {
  source: DependencySource;
  /** One line for the user when the package does not use registry ranges. */
  note?: string;
}

/** Runs npm without an inherited workspace selection (under `npm run`, it would target the wrong package). */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_config_(workspaces?|include_workspace_root|prefix|global|dry_run|json)$/i.test(k),
    ),
  );
}

const run = promisify(execFile);

/** The registry probe gives up after this long (offline machines fail fast on DNS, flaky ones hang). */
const REGISTRY_TIMEOUT_MS = 5_000;

/**
 * Whether `name@version` can be installed from the configured registry. Offline-safe: any answer
 * but a version (404, no network, timeout) counts as "no", so generating falls back to local tarballs.
 */
export async function onRegistry(name: string, version: string, cwd: string): Promise<{ ok: boolean; why: string }> {
  try {
    const { stdout } = await run(
      'npm',
      [
        'view',
        `${name}@${version}`,
        'version',
        '--json',
        '--fetch-retries=0',
        `--fetch-timeout=${REGISTRY_TIMEOUT_MS}`,
      ],
      { cwd, env: npmEnv(), timeout: REGISTRY_TIMEOUT_MS + 2_000, maxBuffer: 1024 * 1024 },
    );
    // npm prints nothing (exit 0) for a published package without that version
    const found = stdout.trim() !== '';
    return { ok: found, why: found ? 'is on the npm registry' : 'is not on the npm registry' };
  } catch (err) {
    const text = String((err as { stdout?: string }).stdout ?? '') + String((err as { stderr?: string }).stderr ?? '');
    if (/E404|404 Not Found|is not in this registry/i.test(text))
      return { ok: false, why: 'is not on the npm registry' };
    return { ok: false, why: 'could not be looked up on the npm registry' };
  }
}

/** Whether `dir` is `root` or inside it. */
export function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Decides where @subnetkit/* come from for a package generated into `dir`. */
export async function planDependencies(options: {
  dir: string;
  deps: DepsChoice;
  /** The source workspace the generator runs from, if any. */
  workspaceRoot?: string | undefined;
  coreVersion: string;
}): Promise<DependencyPlan> {
  const { dir, deps, workspaceRoot, coreVersion } = options;
  if (deps === 'registry') return { source: 'registry' };
  if (deps === 'auto' && workspaceRoot && isInside(dir, workspaceRoot)) return { source: 'workspace' };
  const local = (why: string): DependencyPlan => ({
    source: 'local',
    note: `note: ${why}: this package depends on the subnetkit that generated it (file: tarballs in vendor/); use "^${coreVersion}" ranges once it is published`,
  });
  if (deps === 'local') return local('--deps local');
  const probe = await onRegistry('@subnetkit/core', coreVersion, existingAncestor(dirname(dir)));
  return probe.ok ? { source: 'registry' } : local(`@subnetkit/core@${coreVersion} ${probe.why}`);
}

function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Finds an installed package the way Node would from `fromDir` (folders, not exports maps). */
function findInstalled(name: string, fromDir: string): string | undefined {
  for (let d = fromDir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

const isSubnetkitPackage = (name: string) => name === 'subnetkit' || name.startsWith('@subnetkit/');

/**
 * The packages a local install needs: the CLI and every @subnetkit/* package it depends on,
 * transitively, as folders of this installation.
 */
export function localPackages(cliDir: string): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, dir: string) => {
    if (found.has(name)) return;
    found.set(name, dir);
    for (const dep of Object.keys(readManifest(dir).dependencies ?? {}).filter(isSubnetkitPackage)) {
      const at = findInstalled(dep, dir);
      if (!at) {
        throw new SubnetkitError(
          'SK_SCAFFOLD_FAILED',
          `${dep} (needed by ${name}) is not installed next to this subnetkit; reinstall subnetkit.`,
          { name: dep },
        );
      }
      visit(dep, at);
    }
  };
  visit(readManifest(cliDir).name, cliDir);
  return found;
}

/**
 * A fingerprint of what `npm pack` would read: every file's path, size and mtime (node_modules
 * and the CLI's transient generator/ aside), plus `extra` folders that a prepack step copies in.
 */
function fingerprint(dirs: string[]): string {
  const hash = createHash('sha256');
  for (const root of dirs) {
    if (!existsSync(root)) continue;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name === 'node_modules' || entry.name === 'generator' || entry.name === '.git') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.isFile()) {
          const s = statSync(path);
          hash.update(`${relative(root, path)}\0${s.size}\0${s.mtimeMs}\n`);
        }
      }
    };
    if (statSync(root).isDirectory()) walk(root);
    else hash.update(`${root}\0${statSync(root).size}\0${statSync(root).mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Cached tarballs unused for this long are removed when new ones are packed (the cache only grows otherwise). */
const CACHE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function pruneCache(cacheDir: string): void {
  if (!existsSync(cacheDir)) return;
  const now = Date.now();
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    try {
      if (now - statSync(path).mtimeMs > CACHE_MAX_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it meanwhile
    }
  }
}

/** The tarball name npm pack gives a package. */
const tarballName = (m: Manifest) => `${m.name.replace(/^@/, '').replace('/', '-')}-${m.version}.tgz`;

/**
 * Packs each package once per content (tarballs are cached in the OS temp folder, keyed by a
 * fingerprint of the package's files), so generating several packages packs the installation once.
 * Nothing is written into the packed folders.
 * Returns package name → tarball path.
 */
export async function packLocal(
  packages: Map<string, string>,
  options: { workspaceRoot?: string | undefined; cacheDir?: string },
): Promise<Map<string, string>> {
  const cacheDir = options.cacheDir ?? join(tmpdir(), 'subnetkit-new-tarballs');
  const result = new Map<string, string>();
  const toPack: { name: string; dir: string; cached: string }[] = [];
  for (const [name, dir] of packages) {
    const manifest = readManifest(dir);
    const inWorkspace = Boolean(options.workspaceRoot && isInside(dir, options.workspaceRoot));
    // the source CLI's tarball also holds the generator and the versions frozen from the manifests
    const root = options.workspaceRoot;
    const extra =
      inWorkspace && name === 'subnetkit' && root
        ? ['plopfile.js', 'templates/subnet', 'package.json', 'packages/core/package.json'].map((p) => join(root, p))
        : [];
    const cached = join(cacheDir, fingerprint([dir, ...extra]), tarballName(manifest));
    if (existsSync(cached)) result.set(name, cached);
    else toPack.push({ name, dir, cached });
  }
  if (toPack.length === 0) return result;
  pruneCache(cacheDir);
  const staging = join(cacheDir, `.pack-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(staging, { recursive: true });
  try {
    // the source CLI is packed from a staged copy with its generator bundled there, never by
    // its prepack script, which writes into packages/cli and races a concurrent pack
    const dirs = await Promise.all(
      toPack.map((p) =>
        p.name === 'subnetkit' && options.workspaceRoot && isInside(p.dir, options.workspaceRoot)
          ? stageSourceCli(p.dir, options.workspaceRoot, join(staging, 'cli'))
          : p.dir,
      ),
    );
    const out = join(staging, 'out');
    mkdirSync(out);
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out, ...dirs], {
      cwd: staging,
      env: npmEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    const packed = JSON.parse(stdout) as { name: string; filename: string }[];
    for (const p of toPack) {
      const entry = packed.find((e) => e.name === p.name);
      if (!entry) throw new Error(`npm pack did not pack ${p.name}`);
      mkdirSync(dirname(p.cached), { recursive: true });
      renameSync(join(out, entry.filename), p.cached);
      result.set(p.name, p.cached);
    }
    return result;
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? '').trim() || (err as Error).message;
    throw new SubnetkitError(
      'SK_SCAFFOLD_FAILED',
      `Packing this subnetkit installation for vendor/ failed: ${detail.split('\n').slice(-3).join(' ')}`,
      { packages: toPack.map((p) => p.name) },
      { cause: err },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A copy of the source CLI package as npm would pack it, with the generator (the repo's plopfile,
 * templates/subnet and the versions frozen from the workspace manifests) bundled into generator/,
 * as scripts/bundle-generator.mjs does for a release.
 */
async function stageSourceCli(cliDir: string, workspaceRoot: string, into: string): Promise<string> {
  const skip = new Set(['node_modules', 'src', 'generator', 'scripts']);
  cpSync(cliDir, into, {
    recursive: true,
    filter: (src) => !skip.has(relative(cliDir, src).split(sep)[0] as string),
  });
  const generator = join(into, 'generator');
  cpSync(join(workspaceRoot, 'plopfile.js'), join(generator, 'plopfile.js'));
  cpSync(join(workspaceRoot, 'templates', 'subnet'), join(generator, 'templates', 'subnet'), { recursive: true });
  const plopfile = (await import(pathToFileURL(join(workspaceRoot, 'plopfile.js')).href)) as {
    readTemplateVersions(dir: string): unknown;
  };
  writeJson(join(generator, 'versions.json'), plopfile.readTemplateVersions(workspaceRoot));
  return into;
}

/**
 * Points a generated package at local tarballs: copies them into `<dir>/vendor/`, names the core
 * and the CLI with `file:` specs and overrides the CLI's own @subnetkit/* dependencies, which npm
 * would otherwise look up on the registry.
 */
export function useLocalTarballs(dir: string, tarballs: Map<string, string>): void {
  const vendor = join(dir, 'vendor');
  mkdirSync(vendor, { recursive: true });
  const specs = new Map<string, string>();
  for (const [name, file] of tarballs) {
    const base = file.split(sep).pop() as string;
    copyFileSync(file, join(vendor, base));
    specs.set(name, `file:vendor/${base}`);
  }
  const path = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as {
    devDependencies?: Record<string, string>;
    overrides?: Record<string, string>;
  };
  const dev = { ...(pkg.devDependencies ?? {}) };
  const overrides: Record<string, string> = {};
  for (const [name, spec] of specs) {
    if (name in dev) dev[name] = spec;
    // npm requires an override of a direct dependency to equal its spec, which it does here
    overrides[name] = spec;
  }
  pkg.devDependencies = dev;
  pkg.overrides = { ...(pkg.overrides ?? {}), ...overrides };
  writeJson(path, pkg);
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
