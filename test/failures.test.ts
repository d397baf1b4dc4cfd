// Failure injection against the real CLI (issue 25, items 1–3 and 5): each case starts
// `subnetkit` as a child process, injects one fault, and checks the one coded error line, the
// exit code, that nothing is left listening, and that the data dir is as it was.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const WORKED = join(root, 'packages/core/test-fixtures/consensus/worked_example.json');
const work = mkdtempSync(join(tmpdir(), 'subnetkit-failures-'));
/** A localnet data dir after one short run: every case copies it and breaks one thing. */
const base = join(work, 'base');
const SMALL = ['--subnets', '@subnetkit/subnet-predict', '--tempo', '5'];

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], cwd = root): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    // the CLI lists the network handles still open when its command returned
    env: { ...process.env, SUBNETKIT_REPORT_HANDLES: '1', SUBNETKIT_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Result>((resolveDone) =>
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const cli = (args: string[], cwd?: string): Promise<Result> => start(args, cwd).done;

/** The error lines on stderr: exactly one is expected per failure. */
const errorLines = (r: Result): string[] => r.stderr.split('\n').filter((l) => /^error /.test(l));

/** Asserts one coded error line, the exit code, and that the command closed every server and socket. */
function expectFailure(r: Result, code: string, exit: number): string {
  const lines = errorLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error ${code}: `));
  expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
  expect(r.code, r.stderr).toBe(exit);
  expect(r.stderr).toMatch(/open network handles: \[\]/);
  return lines[0]!;
}

/** Every file under dir with its content hash; logs and LMDB's reader lock table are left out. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!statSync(file).isFile() || /(^|\/)(localnet\.log|lock\.mdb)$/.test(entry)) continue;
    out[relative(dir, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
  }
  return out;
}

function copyBase(name: string): string {
  const dir = join(work, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

async function hold(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((r) => {
    server.once('error', () => r(false));
    server.listen(port, '127.0.0.1', () => server.close(() => r(true)));
  });
}

describe('failure injection against the real CLI', { tags: ['slow'] }, () => {
  beforeAll(async () => {
    const r = await cli(['localnet', ...SMALL, '--epochs', '1', '--json', '--data-dir', base]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(base, 'chain', 'data.mdb'))).toBe(true);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('item 1: a fatal start-up error stops everything and exits non-zero', () => {
    test('taken --rpc-port: coded error before anything starts, data dir untouched, the port still ours', async () => {
      const dir = copyBase('rpc-port');
      const before = snapshot(dir);
      const { server, port } = await hold();
      try {
        const r = await cli(['localnet', ...SMALL, '--rpc-port', String(port), '--data-dir', dir]);
        const line = expectFailure(r, 'SK_CLI_PORT_IN_USE', 1);
        expect(line).toContain(String(port));
        expect(r.stderr).not.toMatch(/registering neurons/);
      } finally {
        server.close();
      }
      expect(snapshot(dir)).toEqual(before);
    });

    test('truncated validator state: coded error naming the file, before the chain moves', async () => {
      const dir = copyBase('validator-truncated');
      const file = join(dir, 'validators', 'predict', 'validator-0.json');
      truncateSync(file, 20);
      const before = snapshot(dir);
      const r = await cli(['localnet', ...SMALL, '--data-dir', dir]);
      expect(expectFailure(r, 'SK_NEURON_STATE_CORRUPT', 1)).toContain(file);
      expect(snapshot(dir)).toEqual(before);
    });

    test('validator state that fails only once the network is up: every axon is closed, exit 1', async () => {
      const dir = copyBase('validator-malformed');
      const file = join(dir, 'validators', 'predict', 'validator-1.json');
      writeFileSync(file, JSON.stringify({ version: 1, netuid: 'one' }));
      const r = await cli(['localnet', ...SMALL, '--data-dir', dir]);
      expect(expectFailure(r, 'SK_NEURON_STATE_CORRUPT', 1)).toContain(file);
      // the miners had started: their axons were closed before the process ended
      expect(r.stderr).toMatch(/registering neurons/);
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ version: 1, netuid: 'one' }));
    });
  });

  describe('item 2: a damaged chain store', () => {
    test('localnet and subnets list name the file and what to do; nothing is changed', async () => {
      const dir = copyBase('damaged');
      const data = join(dir, 'chain', 'data.mdb');
      truncateSync(data, Math.floor(statSync(data).size / 2));
      const before = snapshot(dir);
      const r = await cli(['localnet', ...SMALL, '--data-dir', dir]);
      const line = expectFailure(r, 'SK_CHAIN_STORAGE', 1);
      expect(line).toContain(data);
      expect(line).toMatch(/--move-damaged-chain/);
      expect(r.signal).toBeNull(); // not a Bus error
      const list = await cli(['subnets', 'list', '--data-dir', join(dir, 'chain')]);
      expect(expectFailure(list, 'SK_CHAIN_STORAGE', 1)).toContain(data);
      expect(snapshot(dir)).toEqual(before);
    });

    test('--move-damaged-chain moves the store aside, keeps the rest, and starts a new chain', async () => {
      const dir = copyBase('move-aside');
      const data = join(dir, 'chain', 'data.mdb');
      truncateSync(data, 4096);
      const damaged = readFileSync(data);
      const validators = snapshot(join(dir, 'validators'));
      const r = await cli(['localnet', ...SMALL, '--epochs', '1', '--move-damaged-chain', '--data-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      const aside = readdirSync(dir).filter((f) => f.startsWith('chain.damaged-'));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]!, 'data.mdb')).equals(damaged)).toBe(true);
      expect(statSync(join(dir, 'chain', 'data.mdb')).size).toBeGreaterThan(4096);
      // validator state files are all still there (their contents move on with the new run)
      expect(Object.keys(snapshot(join(dir, 'validators')))).toEqual(Object.keys(validators));
    });
  });

  describe('item 3: read-only commands', () => {
    test('find the localnet chain from the project folder and change nothing', async () => {
      const project = join(work, 'project');
      mkdirSync(join(project, '.subnetkit'), { recursive: true });
      cpSync(base, join(project, '.subnetkit', 'localnet'), { recursive: true });
      const before = snapshot(project);
      const list = await cli(['subnets', 'list', '--json'], project);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name)).toContain('predict');
      const meta = await cli(['subnets', 'metagraph', '--netuid', '1', '--json'], project);
      expect(meta.code, meta.stderr).toBe(0);
      expect((JSON.parse(meta.stdout) as { n: number }).n).toBeGreaterThan(0);
      // pointed at the localnet folder itself (not its chain/), it finds the chain inside
      const byDir = await cli(['subnets', 'show', '--netuid', '1', '--data-dir', '.subnetkit/localnet'], project);
      expect(byDir.code, byDir.stderr).toBe(0);
      expect(snapshot(project)).toEqual(before);
      expect(existsSync(join(project, '.subnetkit', 'chain'))).toBe(false);
    });

    test('with no chain anywhere: SK_CHAIN_NOT_FOUND, and no chain is created', async () => {
      const empty = mkdtempSync(join(work, 'empty-'));
      const r = await cli(['subnets', 'list'], empty);
      expectFailure(r, 'SK_CHAIN_NOT_FOUND', 1);
      expect(readdirSync(empty)).toEqual([]);
    });

    test('a running localnet can be read while it runs, then Ctrl-C stops it and frees its ports', async () => {
      const dir = copyBase('running');
      rmSync(join(dir, 'network.json'));
      const { child, done } = start(['localnet', ...SMALL, '--data-dir', dir]);
      // the network file appears once every neuron serves (checked on each change of the folder)
      await new Promise<void>((ready, fail) => {
        const check = setInterval(() => {
          if (existsSync(join(dir, 'network.json'))) {
            clearInterval(check);
            ready();
          } else if (child.exitCode !== null) {
            clearInterval(check);
            fail(new Error('localnet exited early'));
          }
        }, 100);
      });
      const doc = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as {
        subnets: { neurons: { axon: { port: number } | null }[] }[];
      };
      const ports = doc.subnets.flatMap((s) => s.neurons.flatMap((n) => (n.axon?.port ? [n.axon.port] : [])));
      expect(ports.length).toBeGreaterThan(0);
      const list = await cli(['subnets', 'list', '--json', '--data-dir', dir]);
      expect(list.code, list.stderr).toBe(0);
      child.kill('SIGINT');
      const r = await done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/open network handles: \[\]/);
      for (const port of ports) expect(await portFree(port), `port ${port}`).toBe(true);
      // and a query now says so, instead of a 503 per miner
      const q = await cli(['query', 'predict', '1,2,3,4,5,6,7,8', '--data-dir', dir]);
      expectFailure(q, 'SK_LOCALNET_NOT_RUNNING', 1);
      expect(q.stderr).not.toMatch(/503/);
    });
  });

  describe('item 4: history survives restarts', () => {
    test('a rerun continues the epoch count and its report covers the earlier run too', async () => {
      const dir = copyBase('history');
      const first = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
      expect(first.length).toBeGreaterThanOrEqual(1);
      const r = await cli(['localnet', ...SMALL, '--epochs', '1', '--json', '--data-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { subnets: { epochs: number }[] };
      expect(summary.subnets[0]!.epochs).toBeGreaterThan(first.length);
      const epochs = readFileSync(join(dir, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { epoch: number }).epoch);
      // one numbering across both runs: 1, 2, … with no restart at 1
      expect(epochs).toEqual(epochs.map((_, i) => i + 1));
      expect(epochs.length).toBeGreaterThan(first.length);
      const report = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(report).toContain(`${epochs.length} epochs`);
    });
  });

  // independent short-lived children (each its own folder or none): started side by side; an
  // assertion that throws still fails the test it is in
  describe.concurrent('item 5: errors', () => {
    test('a usage error is printed once, with exit 2', async () => {
      const r = await cli(['localnt']);
      expect(expectFailure(r, 'SK_CLI_USAGE', 2)).toMatch(/Did you mean localnet\?/);
      expect(r.stderr.match(/Did you mean/g)).toHaveLength(1);
    });

    test('--block-time fast is a usage error (exit 2)', async () => {
      const dir = join(work, 'never-created');
      const r = await cli(['localnet', '--block-time', 'fast', '--data-dir', dir]);
      expect(expectFailure(r, 'SK_CLI_USAGE', 2)).toMatch(/--block-time/);
      expect(existsSync(dir)).toBe(false);
    });

    test('a missing query input file is named, exit 2', async () => {
      const r = await cli(['query', 'image', 'nope.png', '-o', join(work, 'out.png')]);
      expect(expectFailure(r, 'SK_CLI_FILE_NOT_FOUND', 2)).toContain('nope.png');
      const p = await cli(['query', 'predict', 'series-missing.csv']);
      expect(expectFailure(p, 'SK_CLI_FILE_NOT_FOUND', 2)).toContain('series-missing.csv');
    });

    test('a truncated network.json is a coded error naming the file', async () => {
      const dir = copyBase('network-json');
      const file = join(dir, 'network.json');
      writeFileSync(file, readFileSync(file, 'utf8').slice(0, 50));
      const r = await cli(['query', 'predict', '1,2,3,4,5,6,7,8', '--data-dir', dir]);
      expect(expectFailure(r, 'SK_LOCALNET_FILE_CORRUPT', 1)).toContain(file);
    });

    test('a stopped localnet: "not running", not one 503 per miner', async () => {
      const r = await cli(['query', 'predict', '1,2,3,4,5,6,7,8', '--data-dir', base]);
      expectFailure(r, 'SK_LOCALNET_NOT_RUNNING', 1);
    });

    test("a miner's taken port fails before the chain or the wallet is touched (no burn)", async () => {
      const dir = copyBase('miner-port');
      const before = snapshot(dir);
      const { server, port } = await hold();
      try {
        const r = await cli([
          'run',
          '@subnetkit/subnet-predict',
          '--role',
          'miner',
          '--port',
          String(port),
          '--network',
          'local',
          '--data-dir',
          join(dir, 'chain'),
          '--wallet',
          'nobody',
          '--yes',
        ]);
        expect(expectFailure(r, 'SK_CLI_PORT_IN_USE', 1)).toContain(String(port));
      } finally {
        server.close();
      }
      expect(snapshot(dir)).toEqual(before);
    });

    test('a reader that goes away (| head -1) ends the command quietly, no EPIPE trace', async () => {
      const { child, done } = start(['consensus', 'run', WORKED]);
      child.stdout?.destroy(); // the read end closes before anything is written
      const r = await done;
      expect(r.stderr).not.toMatch(/EPIPE|at .*:\d+:\d+/);
      expect(r.code).toBe(0);
    });

    test('a bad package name for `new` is a usage error (exit 2)', async () => {
      const dir = join(work, 'scaffold-target');
      const r = await cli(['new', 'Bad Name', '--dir', dir, '--yes']);
      expectFailure(r, 'SK_SCAFFOLD_BAD_NAME', 2);
      expect(existsSync(dir)).toBe(false);
    });
  });
});
