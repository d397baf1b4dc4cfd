import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';

// the worked example of consensus.md §8, from core's copied vectors
const here = dirname(fileURLToPath(import.meta.url));
const WORKED = join(here, '../../../core/test-fixtures/consensus/worked_example.json');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-consensus-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(args, { stdout: out.stream, stderr: err.stream, cwd: root, env: {} });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('subnetkit consensus run', () => {
  it('prints exactly one result object equal to the vector with --json', async () => {
    const vector = JSON.parse(await readFile(WORKED, 'utf8'));
    const r = await run(['consensus', 'run', WORKED, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(vector.expected);
  });

  it('prints a per-epoch table without --json', async () => {
    const r = await run(['consensus', 'run', WORKED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/epoch 0 \(first epoch\): block 1080/);
    expect(r.stdout).toMatch(/420659421/);
    expect(r.stdout).toMatch(/epoch 1 /);
  });

  it('names the bad field of a malformed scenario and exits 1', async () => {
    const file = join(root, 'bad.json');
    await writeFile(file, JSON.stringify({ n: 2, epochs: [{ block: 'soon', emission: 1 }] }));
    const r = await run(['consensus', 'run', 'bad.json', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr).error;
    expect(err.code).toBe('SK_CONSENSUS_BAD_SCENARIO');
    expect(err.details.field).toBe('epochs[0].block');
  });

  it('reports an unreadable or non-JSON file', async () => {
    const missing = await run(['consensus', 'run', 'missing.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SK_CONSENSUS_BAD_SCENARIO.*ENOENT/);
    await writeFile(join(root, 'x.json'), '{ nope');
    const junk = await run(['consensus', 'run', 'x.json']);
    expect(junk.stderr).toMatch(/not valid JSON/);
  });
});
