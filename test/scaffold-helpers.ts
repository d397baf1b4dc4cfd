/** For the packaging tests (publish.test.ts): generate subnet packages and run tools on them. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';

export const ROOT = resolve(import.meta.dirname, '..');
export const KINDS = ['text', 'image', 'predict', 'blank'] as const;
export type Kind = (typeof KINDS)[number];

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * npm's extra registry round trips that no test here looks at: the audit after an install, the
 * funding notice and the check for a newer npm (each a request, or a wait, per npm command).
 */
const QUIET_NPM = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
export function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  // a child vitest must not think it runs inside this one
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      // nor inherit `npm test`'s npm_config_* (workspace, prefix…) in a child npm
      ([k]) => !k.startsWith('VITEST') && !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'TEST',
    ),
  );
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...base, ...QUIET_NPM, FORCE_COLOR: '0', NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

const bin = (name: string) => join(ROOT, 'node_modules', name);
export const tsc = (args: string[], cwd: string) => sh(process.execPath, [bin('typescript/bin/tsc'), ...args], cwd);
export const vitest = (args: string[], cwd: string) => sh(process.execPath, [bin('vitest/vitest.mjs'), ...args], cwd);

/** `subnetkit …` in-process (from the CLI's build, the code that is packed), output captured. */
export async function cli(args: string[], cwd = ROOT): Promise<Ran> {
  // loaded on first use (the author's path only runs the installed CLI); from dist/, which
  // Node loads itself (an external in vitest.config.ts), not the ~970 source modules through vite
  const { main } = await import('../packages/cli/dist/main.js');
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  const code = await main(args, { stdout: sink(chunks.out), stderr: sink(chunks.err), cwd, env: {} });
  return { code, stdout: chunks.out.join(''), stderr: chunks.err.join('') };
}

/** The package name a test generates for a kind. */
export const packageName = (kind: Kind) => `@scaffold-test/subnet-${kind}`;

/** Generates one package per kind under `base`; returns their folders. */
export async function generateAll(base: string): Promise<Record<Kind, string>> {
  const dirs = {} as Record<Kind, string>;
  for (const kind of KINDS) {
    const dir = join(base, kind);
    const r = await cli(['new', packageName(kind), '--kind', kind, '--dir', dir, '--yes', '--json']);
    if (r.code !== 0) throw new Error(`subnetkit new --kind ${kind} failed: ${r.stderr}`);
    dirs[kind] = dir;
  }
  return dirs;
}

/** Runs `fn` over `items`, at most `limit` at a time (two cores: keep CPU-bound children to two). */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
