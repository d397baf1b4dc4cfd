import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { CORE_IDENTITY, CORE_VERSION } from './core-identity.js';
import type { AnySubnet } from './types.js';
import { isTarballSpec, unpackTarball } from './unpack-tarball.js';
import { parseSubnetOptions, validateSubnet } from './validate-subnet.js';

/**
 * How config names a subnet: a package name, a path (file, package folder or `npm pack` tarball),
 * `[nameOrPath, options]` or a definition.
 */
export type SubnetSpec = string | [string, unknown] | AnySubnet;

export interface LoadedSubnet {
  definition: AnySubnet;
  /** Options parsed with the subnet's schema (defaults applied). */
  options: unknown;
  /** What the user wrote: package name, path or 'inline'. */
  source: string;
  /** The package folder, when loaded from a package. */
  packageDir?: string;
  packageName?: string;
}

export interface LoadSubnetOptions {
  /** Folder to resolve package names and relative paths from. */
  cwd: string;
}

const isPath = (s: string): boolean => s.startsWith('.') || isAbsolute(s);

/**
 * Loads a subnet by npm package name, file/folder/tarball path, `[spec, options]` tuple or an imported
 * definition, and runs every host check (contract, apiVersion, peer range of core, one copy of
 * core, options).
 */
export async function loadSubnet(spec: SubnetSpec, { cwd }: LoadSubnetOptions): Promise<LoadedSubnet> {
  if (typeof spec !== 'string' && !Array.isArray(spec)) {
    const definition = validateSubnet(spec, { source: 'inline' });
    return { definition, options: parseSubnetOptions(definition, undefined, { source: 'inline' }), source: 'inline' };
  }
  const [name, rawOptions] = Array.isArray(spec) ? spec : [spec, undefined];
  if (typeof name !== 'string' || name.length === 0) {
    throw new SubnetkitError('SK_PLUGIN_NOT_FOUND', 'A subnet entry must be a package name or a path.', {});
  }
  // a tarball is unpacked into the project's cache and loaded as the package folder it holds
  const entry = resolveEntry(isTarballSpec(name) ? await unpackTarball(name, cwd) : name, cwd);
  const pkg = findPackage(entry);
  if (pkg) checkPackage(pkg, name);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new SubnetkitError(
      'SK_PLUGIN_LOAD_FAILED',
      `${name}: importing ${entry} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { source: name, entry },
      { cause },
    );
  }
  const candidate = mod.default ?? mod.subnet;
  if (candidate === undefined) {
    throw new SubnetkitError(
      'SK_PLUGIN_LOAD_FAILED',
      `${name}: ${entry} has no default export; export the defineSubnet(...) value as default.`,
      { source: name, entry },
    );
  }
  const definition = validateSubnet(candidate, { source: name });
  return {
    definition,
    options: parseSubnetOptions(definition, rawOptions, { source: name }),
    source: name,
    ...(pkg ? { packageDir: pkg.dir, packageName: pkg.json.name } : {}),
  };
}

function resolveEntry(name: string, cwd: string): string {
  if (isPath(name)) {
    const path = resolve(cwd, name);
    if (!existsSync(path)) {
      throw new SubnetkitError('SK_PLUGIN_NOT_FOUND', `Subnet path ${path} does not exist.`, { source: name, path });
    }
    if (!statSync(path).isDirectory()) return path;
    // a package folder: resolve its name from inside it (a self-reference follows its exports map)
    const manifest = join(path, 'package.json');
    const pkgName = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
      : undefined;
    if (pkgName) {
      try {
        return createRequire(join(path, 'noop.js')).resolve(pkgName);
      } catch {
        // no exports map: fall through to main / index.js
      }
    }
    return resolvePackage(path, cwd, name);
  }
  return resolvePackage(name, cwd, name);
}

function resolvePackage(request: string, cwd: string, source: string): string {
  const require = createRequire(join(cwd, 'noop.js'));
  try {
    return require.resolve(request);
  } catch (cause) {
    throw new SubnetkitError(
      'SK_PLUGIN_NOT_FOUND',
      `Subnet package '${source}' could not be resolved from ${cwd}. Install it (npm install ${source}) or give a path.`,
      { source, cwd },
      { cause },
    );
  }
}

interface FoundPackage {
  dir: string;
  json: { name?: string; peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
}

function findPackage(entry: string): FoundPackage | undefined {
  let dir = dirname(entry);
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as FoundPackage['json'];
      if (json.name) return { dir, json };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function checkPackage(pkg: FoundPackage, source: string): void {
  const range = pkg.json.peerDependencies?.['@subnetkit/core'];
  if (range && !semver.satisfies(CORE_VERSION, range, { includePrerelease: true })) {
    throw new SubnetkitError(
      'SK_PLUGIN_PEER_RANGE',
      `${source} needs @subnetkit/core ${range}, but the host runs ${CORE_VERSION}. Install a matching version of either.`,
      { source, range, core: CORE_VERSION },
    );
  }
  // the core the plugin would import must be the host's own copy
  let theirs: string | undefined;
  try {
    theirs = dirname(createRequire(join(pkg.dir, 'noop.js')).resolve('@subnetkit/core/package.json'));
  } catch {
    return; // the plugin does not import core at runtime (plain object definition)
  }
  if (realpathSync(theirs) !== realpathSync(CORE_IDENTITY)) {
    throw new SubnetkitError(
      'SK_PLUGIN_DUPLICATE_CORE',
      `${source} resolves its own copy of @subnetkit/core (${theirs}) instead of the host's (${CORE_IDENTITY}). Make @subnetkit/core a peerDependency and run npm dedupe.`,
      { source, theirs, ours: CORE_IDENTITY },
    );
  }
}
