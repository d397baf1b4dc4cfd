import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { CORE_VERSION, loadSubnet, SubnetkitError } from '@subnetkit/core';
import semver from 'semver';
import type { CliContext } from '../context.js';
import { SUBNET_KEYWORD } from './doctor-command.js';

/** One publishing check: `error` fails the doctor, `warning` only informs. */
export interface DoctorCheck {
  id: 'package' | 'build' | 'keyword' | 'peer' | 'entry' | 'files' | 'plugin';
  ok: boolean;
  severity: 'error' | 'warning';
  message: string;
}

export interface DoctorReport {
  ok: boolean;
  dir: string;
  package?: string;
  version?: string;
  /** The subnet's slug, when the plugin loaded. */
  subnet?: string;
  checks: DoctorCheck[];
}

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
  version?: string;
  keywords?: unknown;
  type?: string;
  main?: string;
  types?: string;
  exports?: unknown;
  files?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface DiagnoseOptions {
  /** Run the package's `build` script first (default true); without it, a missing build is one failure. */
  build?: boolean;
}

/**
 * Runs every publishing check on a package folder; never throws for a failed check. Each cause
 * fails once: a missing or failed build is the one failure for everything that needs the build.
 */
export async function diagnoseSubnetPackage(dir: string, options: DiagnoseOptions = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (id: DoctorCheck['id'], ok: boolean, message: string, severity: DoctorCheck['severity'] = 'error') =>
    checks.push({ id, ok, severity, message });
  const file = join(dir, 'package.json');
  let pkg: Manifest;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    add('package', false, `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, dir, checks };
  }
  const report: DoctorReport = { ok: false, dir, checks };
  if (pkg.name) report.package = pkg.name;
  if (pkg.version) report.version = pkg.version;

  const named = Boolean(pkg.name && pkg.version && semver.valid(pkg.version));
  add('package', named, named ? `${pkg.name}@${pkg.version}` : 'package.json needs a name and a semver version');
  if (pkg.type !== 'module') add('package', false, 'set "type": "module" (subnets are ES modules)', 'warning');

  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords : [];
  add(
    'keyword',
    keywords.includes(SUBNET_KEYWORD),
    keywords.includes(SUBNET_KEYWORD)
      ? `keywords include ${SUBNET_KEYWORD}`
      : `add "${SUBNET_KEYWORD}" to keywords so the package can be found as a subnet`,
  );

  checkPeer(pkg, add);
  const built = options.build === false ? true : await runBuild(dir, pkg, add);
  const entry = built ? checkEntry(dir, pkg, add) : {};
  await checkFiles(dir, entry, add);

  // the real thing: load the exported entry with the host's checks (contract, apiVersion, peer
  // range, one core); the entry file, because a folder path resolves through "main", not "exports"
  if (entry.runtime && existsSync(entry.runtime)) {
    try {
      const loaded = await loadSubnet(entry.runtime, { cwd: dir });
      report.subnet = loaded.definition.name;
      add('plugin', true, `loads as subnet '${loaded.definition.name}' (apiVersion ${loaded.definition.apiVersion})`);
    } catch (err) {
      const code = err instanceof SubnetkitError ? `${err.code}: ` : '';
      add('plugin', false, `${code}${err instanceof Error ? err.message : String(err)}`);
    }
  }
  report.ok = checks.every((c) => c.ok || c.severity !== 'error');
  return report;
}

type Add = (id: DoctorCheck['id'], ok: boolean, message: string, severity?: DoctorCheck['severity']) => void;

/** Without an inherited workspace selection, a child npm would act on the wrong package. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_config_(workspaces?|include_workspace_root)$/i.test(k)),
  );
}

/** `npm run build` in the package, when it has a build script; false when the build failed. */
async function runBuild(dir: string, pkg: Manifest, add: Add): Promise<boolean> {
  // nothing to run, or an installed copy (built when packed, without its sources): the entry
  // check says whether dist is there
  if (!pkg.scripts?.build || resolve(dir).split(sep).includes('node_modules')) return true;
  try {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], {
      cwd: dir,
      env: childEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    add('build', true, 'npm run build succeeded');
    return true;
  } catch (err) {
    const out = `${(err as { stdout?: string }).stdout ?? ''}\n${(err as { stderr?: string }).stderr ?? ''}`;
    const lines = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('>') && !l.startsWith('npm error'));
    // the compiler's first error says most; else whatever the script printed first
    const first = lines.find((l) => /error/i.test(l)) ?? lines[0];
    add('build', false, `npm run build failed${first ? `: ${first}` : ''} (fix it, then run doctor again)`);
    return false;
  }
}

function checkPeer(pkg: Manifest, add: Add): void {
  const range = pkg.peerDependencies?.['@subnetkit/core'];
  if (!range) {
    add('peer', false, 'declare @subnetkit/core in peerDependencies (e.g. "^0.1.0") so the host provides one copy');
  } else if (!semver.validRange(range)) {
    add('peer', false, `peerDependencies["@subnetkit/core"] "${range}" is not a semver range`);
  } else if (!semver.satisfies(CORE_VERSION, range, { includePrerelease: true })) {
    add('peer', false, `@subnetkit/core ${range} does not accept this core (${CORE_VERSION})`);
  } else {
    add('peer', true, `@subnetkit/core ${range} accepts ${CORE_VERSION}`);
  }
  if (pkg.dependencies?.['@subnetkit/core']) {
    add('peer', false, 'move @subnetkit/core out of dependencies (a second copy breaks the host); keep it a peer');
  }
}

interface Entry {
  /** Relative path of the runtime entry and its types, as package.json declares them. */
  runtimeRel?: string;
  typesRel?: string;
  runtime?: string;
}

/** The "." export (or main/types), and whether the build produced those files. */
function checkEntry(dir: string, pkg: Manifest, add: Add): Entry {
  const dot = exportTarget(pkg.exports);
  const runtimeRel = dot.runtime ?? pkg.main;
  const typesRel = dot.types ?? pkg.types;
  const entry: Entry = {};
  if (!runtimeRel) {
    add('entry', false, 'declare exports["."] (or main) pointing at the built entry, e.g. ./dist/index.js');
    return entry;
  }
  entry.runtimeRel = runtimeRel;
  entry.runtime = resolve(dir, runtimeRel);
  if (typesRel) entry.typesRel = typesRel;
  const missing = [runtimeRel, typesRel].filter(
    (p): p is string => Boolean(p) && !existsSync(resolve(dir, p as string)),
  );
  if (missing.length > 0) {
    // one cause, one failure: the files and plugin checks skip what is not built
    add(
      'entry',
      false,
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: build the package (npm run build)`,
    );
  } else {
    add('entry', true, `${[runtimeRel, typesRel].filter(Boolean).join(' and ')} built`);
  }
  if (!typesRel) {
    add('entry', false, 'declare the types of exports["."] (e.g. ./dist/index.d.ts) so users get typed requests');
  }
  return entry;
}

function exportTarget(exports: unknown): { runtime?: string; types?: string } {
  if (typeof exports === 'string') return { runtime: exports };
  if (!exports || typeof exports !== 'object') return {};
  const map = exports as Record<string, unknown>;
  const dot = '.' in map ? map['.'] : map;
  if (typeof dot === 'string') return { runtime: dot };
  if (!dot || typeof dot !== 'object') return {};
  const cond = dot as Record<string, unknown>;
  const pick = (...keys: string[]) => keys.map((k) => cond[k]).find((v): v is string => typeof v === 'string');
  const runtime = pick('import', 'default', 'node');
  const types = pick('types');
  return { ...(runtime ? { runtime } : {}), ...(types ? { types } : {}) };
}

/** What `npm pack` would publish: the entry must be in, tests, sources of secrets and junk must not. */
async function checkFiles(dir: string, entry: Entry, add: Add): Promise<void> {
  let packed: string[];
  try {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
      // under `npm run`/`npm test -w …`, an inherited workspace selection would pack the wrong package
      env: childEnv(),
    });
    const parsed = JSON.parse(stdout) as { files: { path: string }[] }[];
    packed = (parsed[0]?.files ?? []).map((f) => f.path);
  } catch (err) {
    add(
      'files',
      false,
      `npm pack --dry-run failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
    return;
  }
  const norm = (p: string) => p.replace(/^\.\//, '');
  // only what exists can be left out by "files"; a missing build already failed the entry check
  const missing = [entry.runtimeRel, entry.typesRel]
    .filter((p): p is string => Boolean(p) && existsSync(resolve(dir, p as string)))
    .map(norm)
    .filter((p) => !packed.includes(p));
  add(
    'files',
    missing.length === 0,
    missing.length === 0
      ? `${packed.length} files would be published, entry included`
      : `npm pack would leave out ${missing.join(', ')}: add them to "files"`,
  );
  const unwanted = packed.filter(
    (p) =>
      /(^|\/)\.env(\.|$)/.test(p) ||
      /(^|\/)node_modules\//.test(p) ||
      /\.(test|spec)\.[cm]?[jt]sx?$/.test(p) ||
      /\.tsbuildinfo$/.test(p) ||
      /\.tgz$/.test(p) ||
      /(^|\/)\.subnetkit\//.test(p),
  );
  add(
    'files',
    unwanted.length === 0,
    unwanted.length === 0
      ? 'no tests, secrets, tarballs or build caches in the package'
      : `npm pack would publish ${unwanted.slice(0, 5).join(', ')}${unwanted.length > 5 ? '…' : ''}: narrow "files"`,
  );
}

/** `subnetkit doctor [dir]`: prints the report; any failed error-level check fails the command. */
export async function runDoctor(ctx: CliContext, dir: string, opts: { json?: boolean; build: boolean }): Promise<void> {
  const report = await diagnoseSubnetPackage(resolve(ctx.cwd, dir), { build: opts.build });
  if (opts.json) ctx.out.json(report);
  else {
    ctx.out.line(`${report.package ?? report.dir}${report.version ? `@${report.version}` : ''}`);
    for (const c of report.checks) {
      const mark = c.ok ? 'ok  ' : c.severity === 'error' ? 'FAIL' : 'warn';
      ctx.out.line(`  ${mark} ${c.id}: ${c.message}`);
    }
  }
  const failed = report.checks.filter((c) => !c.ok && c.severity === 'error');
  if (failed.length > 0) {
    throw new SubnetkitError(
      'SK_SCAFFOLD_DOCTOR_FAILED',
      `${failed.length} check(s) failed: ${failed.map((c) => c.id).join(', ')}. Fix them before publishing.`,
      { dir: report.dir, failed: failed.map((c) => c.id) },
    );
  }
  if (!opts.json) ctx.out.line('ready to publish');
}
