import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@subnetkit/core/testing';
import { describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const err = sink();
  const code = await main(args, { stdout: sink().stream, stderr: err.stream });
  return { code, stderr: err.text() };
}

// Joining a chain that works is covered across real processes in test/network-join.test.ts.
describe('subnetkit localnet --network: bad input', () => {
  it('refuses --rpc-port with --network (the chain is served elsewhere)', async () => {
    const r = await run(['localnet', '--network', 'ws://127.0.0.1:9944', '--rpc-port', '9966', '--epochs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_CLI_USAGE.*--rpc-port/);
  });

  it('refuses lockstep blocks without --epochs, and on a joined chain', async () => {
    const alone = await run(['localnet', '--block-time', 'lockstep']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/SK_CLI_USAGE.*lockstep needs --epochs/);
    const joined = await run([
      'localnet',
      '--network',
      'ws://127.0.0.1:9944',
      '--block-time',
      'lockstep',
      '--epochs',
      '1',
    ]);
    expect(joined.code).toBe(2);
    expect(joined.stderr).toMatch(/SK_CLI_USAGE.*lockstep drives an embedded chain/);
  });

  it('refuses a malformed --funder without echoing it', async () => {
    const r = await run([
      'localnet',
      '--network',
      'ws://127.0.0.1:9944',
      '--funder',
      'secret words here',
      '--subnets',
      '@subnetkit/subnet-predict',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SK_CLI_USAGE.*--funder/);
    expect(r.stderr).not.toMatch(/secret words/);
  });

  it('fails with a connection error, not a hang, when no chain answers', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'subnetkit-join-refused-'));
    const r = await run([
      'localnet',
      '--network',
      `ws://127.0.0.1:${port}`,
      '--subnets',
      '@subnetkit/subnet-predict',
      '--data-dir',
      dataDir,
    ]).finally(() => rmSync(dataDir, { recursive: true, force: true }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SK_CHAIN_CONNECTION/);
    // the chain is tried first: no model loads for a network that cannot be reached
    expect(r.stderr).not.toMatch(/loading models/);
  });
});

describe('subnetkit localnet: Ctrl-C', () => {
  it('stops at once, exit 130, when Ctrl-C came during start-up (no start-up finished first)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'subnetkit-ctrl-c-'));
    try {
      const stop = new AbortController();
      stop.abort(); // pressed before the network was up: the listener comes too late to hear it
      const err = sink();
      const code = await main(['localnet', '--subnets', '@subnetkit/subnet-predict', '--data-dir', dataDir], {
        stdout: sink().stream,
        stderr: err.stream,
        shutdown: stop.signal,
      });
      expect(code).toBe(130);
      expect(err.text()).toMatch(/error SK_CLI_ABORTED: Interrupted \(Ctrl-C\) while loading models/);
      expect(err.text()).not.toMatch(/registering neurons/);
      // nothing was started, so no chain was created
      expect(existsSync(join(dataDir, 'chain'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
