import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { initialValidatorState, loadValidatorState, saveValidatorState } from './validator-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sk-state-'));
  dirs.push(d);
  return d;
};

test('state survives a save/load round trip', () => {
  const file = join(tmp(), 'v', 'state.json');
  const state = {
    ...initialValidatorState(2, 'hk'),
    step: 7,
    scores: [{ uid: 1, hotkey: 'm1', score: 0.4 }],
    deferred: [
      {
        step: 6,
        block: 60,
        deferred: { series: 'co2' },
        answers: [{ uid: 1, hotkey: 'm1', response: { v: [1] }, latencyMs: 3, timeoutMs: 100 }],
      },
    ],
  };
  saveValidatorState(file, state);
  expect(loadValidatorState(file, 2, 'hk')).toEqual(state);
});

test('a missing file or another hotkey/subnet gives a fresh state', () => {
  const file = join(tmp(), 'state.json');
  expect(loadValidatorState(file, 1, 'hk').step).toBe(0);
  saveValidatorState(file, { ...initialValidatorState(1, 'hk'), step: 3 });
  expect(loadValidatorState(file, 1, 'other').step).toBe(0);
  expect(loadValidatorState(file, 2, 'hk').step).toBe(0);
});

test('a corrupt file is an error naming the file, never a silent reset', () => {
  const file = join(tmp(), 'state.json');
  writeFileSync(file, '{"version":1,"netuid":');
  expect(() => loadValidatorState(file, 1, 'hk')).toThrow(/state\.json is not valid JSON/);
  writeFileSync(file, JSON.stringify({ ...initialValidatorState(1, 'hk'), step: -1 }));
  expect(() => loadValidatorState(file, 1, 'hk')).toThrow(expect.objectContaining({ code: 'SK_NEURON_STATE_CORRUPT' }));
});

test('without fsync (a dev network) a save still replaces the file whole, through a temp file', () => {
  const dir = tmp();
  const file = join(dir, 'state.json');
  saveValidatorState(file, { ...initialValidatorState(1, 'hk'), step: 1 }, { fsync: false });
  saveValidatorState(file, { ...initialValidatorState(1, 'hk'), step: 2 }, { fsync: false });
  expect(loadValidatorState(file, 1, 'hk').step).toBe(2);
  expect(readdirSync(dir)).toEqual(['state.json']);
});
