// `subnetkit dashboard` reads a stopped localnet's data dir without changing a byte of it, and
// bad input fails with one coded line. The page itself is tested in core (routes, browser).
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalChain, devGenesis, localChainEngine, startDevnet } from '@subnetkit/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const err = sink();
  const code = await main(args, { stdout: sink().stream, stderr: err.stream });
  return { code, stderr: err.text() };
}

/** Every file under dir with its size, mtime and content hash: "nothing changed" made checkable. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    const st = statSync(file);
    // lock.mdb is LMDB's table of reader slots, which every reader (read-only ones too) takes; not data
    if (!st.isFile() || entry.endsWith('lock.mdb')) continue;
    out[entry] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
  }
  return out;
}

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('subnetkit dashboard: bad input', () => {
  it('refuses a bad port with a usage error', async () => {
    const r = await run(['dashboard', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_CLI_USAGE.*--port/);
  });

  it('a folder without a chain is SK_CHAIN_NOT_FOUND, and nothing is created in it', async () => {
    const empty = tempDir('subnetkit-dash-empty-');
    const r = await run(['dashboard', '--network', empty, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SK_CHAIN_NOT_FOUND/);
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe('subnetkit dashboard --network <stopped localnet data dir>', { tags: ['slow'] }, () => {
  it('serves its chain and history read-only: the data dir is byte for byte the same afterwards', async () => {
    const dataDir = tempDir('subnetkit-dash-localnet-');
    const localnetErr = sink();
    const ran = await main(
      [
        'localnet',
        '--subnets',
        '@subnetkit/subnet-predict',
        '--validators',
        '1',
        '--miners',
        '3',
        '--tempo',
        '3',
        '--block-time',
        'lockstep',
        '--epochs',
        '2',
        '--data-dir',
        dataDir,
        '--json',
      ],
      { stdout: sink().stream, stderr: localnetErr.stream },
    );
    expect(ran, localnetErr.text()).toBe(0);
    // the localnet served its own dashboard while it ran
    expect(localnetErr.text()).toMatch(/dashboard on http:\/\/127\.0\.0\.1:\d+\//);
    const before = fingerprint(dataDir);

    const out = sink();
    const stop = new AbortController();
    const serving = main(['dashboard', '--network', dataDir, '--port', '0', '--json'], {
      stdout: out.stream,
      stderr: sink().stream,
      shutdown: stop.signal,
    });
    try {
      await vi.waitFor(() => expect(out.text()).toMatch(/"url"/), { timeout: 120_000, interval: 50 });
      const info = JSON.parse(out.text()) as { url: string; readOnly: boolean; epochRecords: number };
      expect(info.readOnly).toBe(true);
      expect(info.epochRecords).toBeGreaterThanOrEqual(2);
      const snap = (await (await fetch(new URL('/api/snapshot', info.url))).json()) as {
        subnets: { name: string; epochs: number; neurons: { role: string; profile: string }[] }[];
      };
      expect(snap.subnets.map((s) => s.name)).toEqual(['predict']);
      expect(snap.subnets[0]!.epochs).toBeGreaterThanOrEqual(2);
      // roles and profiles come from the history the localnet kept
      expect(snap.subnets[0]!.neurons.filter((n) => n.profile === 'honest').length).toBeGreaterThan(0);
      expect(snap.subnets[0]!.neurons.filter((n) => n.role === 'validator')).toHaveLength(1);
      const page = await (await fetch(info.url)).text();
      expect(page).toContain('read-only');
      expect(page.match(/<svg /g)!.length).toBeGreaterThanOrEqual(4);
    } finally {
      stop.abort();
    }
    expect(await serving).toBe(0);
    expect(fingerprint(dataDir)).toEqual(before);
  });
});

describe('subnetkit dashboard --network ws://…', { tags: ['slow'] }, () => {
  it('reads a chain over JSON-RPC and streams its new blocks', async () => {
    const chain = await createLocalChain({ genesis: devGenesis(), blockTime: 'manual' });
    const devnet = await startDevnet({ engine: localChainEngine(chain), port: 0 });
    const out = sink();
    const stop = new AbortController();
    const serving = main(['dashboard', '--network', devnet.url, '--port', '0', '--json'], {
      stdout: out.stream,
      stderr: sink().stream,
      shutdown: stop.signal,
    });
    try {
      await vi.waitFor(() => expect(out.text()).toMatch(/"url"/), { timeout: 120_000, interval: 50 });
      const { url } = JSON.parse(out.text()) as { url: string };
      const snap = (await (await fetch(new URL('/api/snapshot', url))).json()) as {
        block: number;
        subnets: { netuid: number; neurons: unknown[] }[];
      };
      expect(snap.block).toBe(await chain.blockNumber());
      expect(snap.subnets.map((s) => s.netuid)).toEqual(
        (await chain.subnets()).map((s) => s.netuid).filter((n) => n !== 0),
      );
      // the live stream: the current block at once, then the next one the chain produces
      const events = await fetch(new URL('/api/events', url));
      const reader = events.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const blockSeen = async (n: number) => {
        while (!text.includes(`"block":${n},`)) {
          const { value, done } = await reader.read();
          if (done) throw new Error('the stream ended');
          text += decoder.decode(value, { stream: true });
        }
      };
      await blockSeen(snap.block);
      await chain.advance(1);
      await blockSeen(snap.block + 1);
      await reader.cancel();
    } finally {
      stop.abort();
      await serving;
      await devnet.close();
      await chain.close();
    }
    expect(await serving).toBe(0);
  });
});
