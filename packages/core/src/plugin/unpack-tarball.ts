import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { x as extract } from 'tar';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { CORE_IDENTITY } from './core-identity.js';

/** Whether a subnet spec names a tarball (what `npm pack` writes). */
export const isTarballSpec = (spec: string): boolean => /\.(tgz|tar\.gz)$/i.test(spec);

/** The nearest node_modules folder at or above `dir`. */
function nearestNodeModules(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (basename(d) === 'node_modules') return d;
    const inside = join(d, 'node_modules');
    if (existsSync(inside) && statSync(inside).isDirectory()) return inside;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Unpacks a package tarball once per content into `node_modules/.cache/subnetkit/tarballs/` of
 * the project at `cwd` and returns the package folder. Unpacked there, the package imports the
 * project's own @subnetkit/core and dependencies, as an installed one would; without a project,
 * next to the host's core.
 */
export async function unpackTarball(spec: string, cwd: string): Promise<string> {
  const file = resolve(cwd, spec);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new SubnetkitError('SK_PLUGIN_NOT_FOUND', `Subnet tarball ${file} does not exist.`, {
      source: spec,
      path: file,
    });
  }
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const modules = nearestNodeModules(cwd) ?? nearestNodeModules(realpathSync(CORE_IDENTITY)) ?? tmpdir();
  const target = join(modules, '.cache', 'subnetkit', 'tarballs', digest);
  const pkgDir = join(target, 'package');
  if (existsSync(join(pkgDir, 'package.json'))) return pkgDir;
  const staging = `${target}.${process.pid}-${Date.now().toString(36)}`;
  mkdirSync(staging, { recursive: true });
  try {
    // node-tar keeps entries inside cwd (no absolute paths, no ..)
    await extract({ file, cwd: staging, strict: true });
    if (!existsSync(join(staging, 'package', 'package.json'))) {
      throw new Error('no package/package.json inside (make it with npm pack)');
    }
    if (!existsSync(target)) renameSync(staging, target); // else another process unpacked it meanwhile
    return pkgDir;
  } catch (cause) {
    throw new SubnetkitError(
      'SK_PLUGIN_LOAD_FAILED',
      `${spec}: not a package tarball: ${cause instanceof Error ? cause.message : String(cause)}`,
      { source: spec, path: file },
      { cause },
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
