import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { appendHistory, loadHistory } from './history.js';
import type { EpochSnapshot } from './summary.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sk-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (epoch: number): EpochSnapshot => ({
  block: epoch * 10,
  netuid: 1,
  subnet: 'predict',
  epoch,
  neurons: [
    {
      uid: 0,
      hotkey: '5Hot',
      role: 'miner',
      profile: 'honest',
      // above 2^53: amounts must come back exact
      stake: 2n ** 60n + 1n,
      incentive: 0.5,
      dividends: 0,
      emission: 123_456_789_012n,
      trust: 0.1,
      validatorPermit: false,
    },
  ],
});

test('records come back exactly as appended, amounts as bigint', () => {
  const file = join(dir, 'sub', 'history.jsonl');
  expect(loadHistory(file).records).toEqual([]);
  appendHistory(file, record(1));
  appendHistory(file, record(2));
  expect(loadHistory(file)).toEqual({ records: [record(1), record(2)], droppedPartialLine: false });
});

test('a half-written last line is dropped from the file, so the next append stays readable', () => {
  const file = join(dir, 'history.jsonl');
  appendHistory(file, record(1));
  appendFileSync(file, '{"block":20,"netuid":1,"sub');
  const loaded = loadHistory(file);
  expect(loaded.droppedPartialLine).toBe(true);
  expect(loaded.records).toEqual([record(1)]);
  appendHistory(file, record(2));
  expect(loadHistory(file).records).toEqual([record(1), record(2)]);
});

test('a damaged line in the middle is a coded error naming the file and line; the file is left alone', () => {
  const file = join(dir, 'history.jsonl');
  appendHistory(file, record(1));
  appendFileSync(file, 'garbage\n');
  appendHistory(file, record(3));
  const before = readFileSync(file, 'utf8');
  expect(() => loadHistory(file)).toThrow(
    expect.objectContaining({ code: 'SK_LOCALNET_FILE_CORRUPT', details: { file, line: 2 } }),
  );
  expect(readFileSync(file, 'utf8')).toBe(before);
});

test('read-only: a half-written last line (another process appending) is skipped and the file left as it is', () => {
  const file = join(dir, 'history.jsonl');
  appendHistory(file, record(1));
  appendFileSync(file, '{"block":20,"netuid":1,"sub');
  const before = readFileSync(file, 'utf8');
  expect(loadHistory(file, { readOnly: true })).toEqual({ records: [record(1)], droppedPartialLine: true });
  expect(readFileSync(file, 'utf8')).toBe(before);
});
