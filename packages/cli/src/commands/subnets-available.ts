import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadSubnet, SubnetkitError } from '@subnetkit/core';
import type { CliContext } from '../context.js';
import { SUBNET_KEYWORD } from './doctor-command.js';

/** One installed package that says it is a subnet, and whether it keeps the plugin contract. */
export interface AvailableSubnet {
  /** npm package name: what `localnet --subnets` and `run` take. */
  package: string;
  version: string;
  /** The package folder. */
  path: string;
  /** The subnet's slug (`defineSubnet({ name })`), when it loaded. */
  subnet?: string;
  ok: boolean;
  /** Why it does not load (an SK_* code and message), when not ok. */
  error?: { code: string; message: string };
}

interface Manifest {
  name?: string;
  version?: string;
  keywords?: unknown;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

const isSubnetPackage = (m: Manifest | undefined): m is Manifest & { name: string } =>
  Boolean(m?.name && Array.isArray(m.keywords) && m.keywords.includes(SUBNET_KEYWORD));

/**
 * Package folders with the subnet keyword that a package name resolves to from `cwd`: the
 * project's own package, then every node_modules from `cwd` up (the nearest copy of a name wins,
 * as Node resolves it).
 */
export function findSubnetPackages(cwd: string): { name: string; version: string; dir: string }[] {
  const found = new Map<string, { name: string; version: string; dir: string }>();
  const add = (dir: string) => {
    const m = readManifest(dir);
    if (isSubnetPackage(m) && !found.has(m.name)) found.set(m.name, { name: m.name, version: m.version ?? '', dir });
  };
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) add(d);
    const modules = join(d, 'node_modules');
    if (existsSync(modules)) {
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        if (entry.startsWith('@')) {
          for (const scoped of safeList(join(modules, entry))) add(join(modules, entry, scoped));
        } else add(join(modules, entry));
      }
    }
    if (dirname(d) === d) break;
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Finds the installed subnet packages and loads each with the host's checks. */
export async function availableSubnets(cwd: string): Promise<AvailableSubnet[]> {
  const result: AvailableSubnet[] = [];
  for (const pkg of findSubnetPackages(cwd)) {
    const entry: AvailableSubnet = { package: pkg.name, version: pkg.version, path: realpathSync(pkg.dir), ok: false };
    try {
      // by folder: the project's own package is not in node_modules, and a folder loads through its exports
      const loaded = await loadSubnet(pkg.dir, { cwd });
      entry.subnet = loaded.definition.name;
      entry.ok = true;
    } catch (err) {
      entry.error = {
        code: err instanceof SubnetkitError ? err.code : 'SK_PLUGIN_LOAD_FAILED',
        message: err instanceof Error ? err.message : String(err),
      };
    }
    result.push(entry);
  }
  return result;
}

/** `subnetkit subnets available`: subnet packages installed in this project (local, no chain). */
export async function runAvailable(ctx: CliContext, flags: { json?: boolean }): Promise<void> {
  const list = await availableSubnets(ctx.cwd);
  if (flags.json) return ctx.out.json(list);
  if (list.length === 0) {
    ctx.out.line(`no installed package has the keyword ${SUBNET_KEYWORD}`);
    return;
  }
  const width = Math.max(...list.map((s) => `${s.package}@${s.version}`.length));
  for (const s of list) {
    const id = `${s.package}@${s.version}`.padEnd(width);
    ctx.out.line(s.ok ? `${id}  ${s.subnet}` : `${id}  not loadable: ${s.error?.code}: ${s.error?.message}`);
  }
}
