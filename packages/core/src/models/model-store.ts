import { statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { FIXTURE_MODELS_DIR } from './fixtures.js';
import type { ModelDeclaration, ModelSource } from './types.js';

/** Where the store looks for models, and whether it may download. */
export interface ModelStoreOptions {
  /** Folder holding `<hub id>/config.json` copies; remote downloads land here too. */
  modelsDir: string;
  /** Operator overrides: hub id → local model folder. */
  paths?: Readonly<Record<string, string>>;
  /** Use each declaration's `fixture` instead of the real model. */
  useFixtures?: boolean;
  /** Extra folders searched for fixture names before the bundled FIXTURE_MODELS_DIR. */
  fixturesDirs?: readonly string[];
  allowRemote?: boolean;
  /** Shown in the not-found message (a mirror URL, or the hub). */
  remoteHost?: string;
}

/** A folder is a model when it has a config.json (transformers.js reads it first). */
function isModelDir(dir: string): boolean {
  try {
    return statSync(join(dir, 'config.json')).isFile();
  } catch {
    return false;
  }
}

/** Only hub-shaped ids (`name` or `org/name`) may be fetched or joined under modelsDir. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/**
 * Resolves where a declared model is loaded from: fixtures (when asked), then an operator path,
 * the declaration's own path and `modelsDir/<id>`, then the hub when remote loading is allowed.
 * Throws SK_MODEL_NOT_FOUND naming every place it looked and how to fetch the model.
 */
export function resolveModelSource(decl: ModelDeclaration, opts: ModelStoreOptions): ModelSource {
  const looked: string[] = [];
  if (opts.useFixtures && decl.fixture) {
    const candidates = isAbsolute(decl.fixture)
      ? [decl.fixture]
      : [...(opts.fixturesDirs ?? []), FIXTURE_MODELS_DIR].map((d) => join(d, decl.fixture as string));
    for (const dir of candidates) {
      if (isModelDir(dir)) return { kind: 'fixture', path: resolve(dir) };
      looked.push(dir);
    }
    throw new SubnetkitError(
      'SK_MODEL_NOT_FOUND',
      `Fixture "${decl.fixture}" for model ${decl.model} was not found (looked in ${looked.join(', ')}). ` +
        'Fixtures are folders with config.json and onnx/; regenerate the bundled ones with ' +
        'packages/core/scripts/models/generate.sh, or give an absolute fixture path.',
      { model: decl.model, fixture: decl.fixture, looked },
    );
  }
  const local = [opts.paths?.[decl.model], decl.path].filter((p): p is string => typeof p === 'string');
  if (HUB_ID.test(decl.model)) local.push(join(opts.modelsDir, decl.model));
  else if (isAbsolute(decl.model)) local.push(decl.model);
  for (const dir of local) {
    if (isModelDir(dir)) return { kind: 'local', path: resolve(dir) };
    looked.push(dir);
  }
  if (opts.allowRemote && HUB_ID.test(decl.model)) {
    return { kind: 'remote', id: decl.model, cacheDir: opts.modelsDir };
  }
  const how = HUB_ID.test(decl.model)
    ? `Enable remote model loading (allowRemote) once to download it from ${opts.remoteHost ?? 'the Hugging Face hub'} ` +
      `into ${join(opts.modelsDir, decl.model)}, or copy a transformers.js layout (config.json, tokenizer files, ` +
      'onnx/model.onnx) there.'
    : 'Give an absolute path to a folder with config.json and onnx/model.onnx.';
  throw new SubnetkitError(
    'SK_MODEL_NOT_FOUND',
    `Model ${decl.model} (${decl.task}) was not found locally (looked in ${looked.join(', ') || 'nowhere'})` +
      `${opts.allowRemote ? '' : ' and remote loading is off'}. ${how}`,
    { model: decl.model, task: decl.task, looked, allowRemote: opts.allowRemote ?? false },
  );
}
