import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { type MainOptions, main } from './main.js';

/** A writable that keeps what the CLI prints, for tests that call `main` with their own streams. */
export function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** One CLI command run in-process, as a user would type it (`subnetkit …`), with what it printed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * In-process CLI drivers for tests that keep one chain for a file: `run` any command, `json` one that
 * must succeed silently on stderr (its --json output parsed), `refused` one that must fail with one
 * coded line. `cwd` is read per call because the folder is usually made in `beforeAll`; `options` go to
 * every call (e.g. one `chains` pool for a file's devnet).
 */
export function cliInProcess(cwd: () => string, options: Pick<MainOptions, 'chains' | 'kdf'> = {}) {
  const run = async (args: string[]): Promise<CliRun> => {
    const out = sink();
    const err = sink();
    const code = await main(args, { ...options, stdout: out.stream, stderr: err.stream, env: {}, cwd: cwd() });
    return { code, stdout: out.text(), stderr: err.text() };
  };
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await run([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const refused = async (args: string[], code: string, exit = 2, message?: RegExp): Promise<CliRun> => {
    const r = await run(args);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^error ${code}: `));
    if (message) expect(r.stderr).toMatch(message);
    expect(r.code).toBe(exit);
    return r;
  };
  return { run, json, refused };
}
