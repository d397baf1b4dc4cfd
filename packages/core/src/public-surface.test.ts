// The public entry points, read as a user would: each area lists its names explicitly (the top
// barrel only re-exports area index files), the production entry carries no cheating miner, and
// the testing kit carries the profiles the localnet demo and plugin tests use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as core from './index.js';
import * as testing from './testing/index.js';

const root = import.meta.dirname;

describe('public surface', () => {
  test('the top barrel re-exports only area index files, and those list their names', () => {
    const top = readFileSync(join(root, 'index.ts'), 'utf8');
    const stars = [...top.matchAll(/export \* from '(.+)'/g)].map((m) => m[1] as string);
    expect(stars.length).toBeGreaterThan(5);
    for (const target of stars) {
      expect(target).toMatch(/\/index\.js$/);
      const area = readFileSync(join(root, target.replace(/\.js$/, '.ts')), 'utf8');
      expect(area, target).not.toMatch(/export \* from/);
    }
  });

  test('the production entry ships no cheating miner and no dead DI tokens', () => {
    for (const name of ['AnswerBoard', 'parseProfiles', 'MINER_PROFILES', 'profileHandler', 'minerBehaviour']) {
      expect(core, name).not.toHaveProperty(name);
    }
    for (const name of ['CONFIG', 'PLUGIN_HOST', 'MINER_OPTIONS', 'VALIDATOR_OPTIONS'])
      expect(core).not.toHaveProperty(name);
    expect(testing).toHaveProperty('parseProfiles');
    expect(testing).toHaveProperty('AnswerBoard');
    expect(testing).toHaveProperty('minerBehaviour');
  });

  test('the composition root, plugin error codes and the hyperparameter registry are public', () => {
    for (const name of ['createRuntime', 'composeMiner', 'composeValidator', 'chainFromConfig', 'MODELS', 'SEAT']) {
      expect(core).toHaveProperty(name);
    }
    expect(core).toHaveProperty('defineErrorCodes');
    expect(core).toHaveProperty('HYPERPARAMETERS');
  });
});
