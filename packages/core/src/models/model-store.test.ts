import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSubnetkitError, type SubnetkitError } from '../errors/subnetkit-error.js';
import { FIXTURE_MODELS_DIR } from './fixtures.js';
import { resolveModelSource } from './model-store.js';
import { tmpDir } from './test-helpers.test.util.js';
import type { ModelDeclaration } from './types.js';

const decl: ModelDeclaration = { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' };

function fakeModel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{}');
  return dir;
}

function thrown(fn: () => unknown): SubnetkitError {
  try {
    fn();
  } catch (err) {
    if (isSubnetkitError(err)) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('resolveModelSource', () => {
  it('uses the bundled fixture when fixtures are on', () => {
    const modelsDir = tmpDir('store');
    expect(resolveModelSource(decl, { modelsDir, useFixtures: true })).toEqual({
      kind: 'fixture',
      path: join(FIXTURE_MODELS_DIR, 'tiny-bert'),
    });
  });

  it('prefers a fixture from an extra fixtures folder, and accepts an absolute fixture path', () => {
    const root = tmpDir('store');
    const extra = fakeModel(join(root, 'extra', 'tiny-bert'));
    expect(
      resolveModelSource(decl, { modelsDir: root, useFixtures: true, fixturesDirs: [join(root, 'extra')] }),
    ).toEqual({ kind: 'fixture', path: extra });
    const trained = fakeModel(join(root, 'trained-swin2sr'));
    expect(resolveModelSource({ ...decl, fixture: trained }, { modelsDir: root, useFixtures: true })).toEqual({
      kind: 'fixture',
      path: trained,
    });
  });

  it('finds the real model under modelsDir/<hub id> when fixtures are off', () => {
    const modelsDir = tmpDir('store');
    const dir = fakeModel(join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2'));
    expect(resolveModelSource(decl, { modelsDir })).toEqual({ kind: 'local', path: dir });
  });

  it('puts an operator path before the declared path, and the declared path before modelsDir', () => {
    const root = tmpDir('store');
    const modelsDir = join(root, 'store');
    fakeModel(join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2'));
    const declared = fakeModel(join(root, 'declared'));
    const operator = fakeModel(join(root, 'operator'));
    const d = { ...decl, path: declared };
    expect(resolveModelSource(d, { modelsDir })).toEqual({ kind: 'local', path: declared });
    expect(resolveModelSource(d, { modelsDir, paths: { [decl.model]: operator } })).toEqual({
      kind: 'local',
      path: operator,
    });
  });

  it('goes to the hub only when remote loading is allowed', () => {
    const modelsDir = tmpDir('store');
    expect(resolveModelSource(decl, { modelsDir, allowRemote: true })).toEqual({
      kind: 'remote',
      id: decl.model,
      cacheDir: modelsDir,
    });
  });

  it('names every place it looked and how to fetch the model when it is missing', () => {
    const modelsDir = tmpDir('store');
    const err = thrown(() => resolveModelSource({ ...decl, path: '/nowhere/minilm' }, { modelsDir }));
    expect(err.code).toBe('SK_MODEL_NOT_FOUND');
    expect(err.details.looked).toEqual(['/nowhere/minilm', join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2')]);
    expect(err.message).toContain('/nowhere/minilm');
    expect(err.message).toContain('allowRemote');
  });

  it('reports a missing fixture with the folders searched', () => {
    const modelsDir = tmpDir('store');
    const err = thrown(() =>
      resolveModelSource({ ...decl, fixture: 'tiny-nothing' }, { modelsDir, useFixtures: true }),
    );
    expect(err.code).toBe('SK_MODEL_NOT_FOUND');
    expect(err.details.looked).toEqual([join(FIXTURE_MODELS_DIR, 'tiny-nothing')]);
  });

  it('never treats a folder without config.json as a model', () => {
    const modelsDir = tmpDir('store');
    mkdirSync(join(modelsDir, 'Xenova', 'all-MiniLM-L6-v2', 'onnx'), { recursive: true });
    expect(thrown(() => resolveModelSource(decl, { modelsDir })).code).toBe('SK_MODEL_NOT_FOUND');
  });
});
