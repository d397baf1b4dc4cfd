import { cosmiconfig } from 'cosmiconfig';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { configSchema, type SubnetkitConfig } from './schema.js';

/** Environment variables that override config keys (documented in the README). */
export const ENV_OVERRIDES: Record<string, { path: string[]; parse: (v: string) => unknown }> = {
  SUBNETKIT_NETWORK: { path: ['network'], parse: String },
  SUBNETKIT_DATA_DIR: { path: ['chain', 'dataDir'], parse: String },
  SUBNETKIT_BLOCK_TIME: { path: ['chain', 'blockTime'], parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  SUBNETKIT_WALLET_PATH: { path: ['wallet', 'path'], parse: String },
  SUBNETKIT_MODELS_DIR: { path: ['models', 'dir'], parse: String },
  SUBNETKIT_DEVICE: { path: ['models', 'device'], parse: String },
  SUBNETKIT_ALLOW_REMOTE_MODELS: { path: ['models', 'allowRemote'], parse: (v) => v === '1' || v === 'true' },
  SUBNETKIT_LOG_LEVEL: { path: ['log', 'level'], parse: String },
  SUBNETKIT_SEED: { path: ['seed'], parse: String },
};

export interface LoadConfigOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** An explicit config file (`--config`); otherwise searched from cwd upwards. */
  file?: string;
  /** Highest precedence: values from CLI flags, as a partial config object. */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: SubnetkitConfig;
  /** The file it came from, or null when only defaults/env/flags were used. */
  filepath: string | null;
}

/**
 * Finds and validates the project config. Precedence: defaults < file < environment < flags.
 * A bad config names the file, the key and what was expected.
 */
export async function loadConfig({
  cwd,
  env = process.env,
  file,
  overrides = {},
}: LoadConfigOptions): Promise<LoadedConfig> {
  const explorer = cosmiconfig('subnetkit', {
    searchPlaces: [
      'package.json',
      'subnetkit.config.json',
      'subnetkit.config.js',
      'subnetkit.config.mjs',
      'subnetkit.config.ts',
    ],
    searchStrategy: 'project',
  });
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    result = file ? await explorer.load(file) : await explorer.search(cwd);
  } catch (cause) {
    const where = file ?? cwd;
    throw new SubnetkitError(
      'SK_CONFIG_UNREADABLE',
      `Could not read the Subnetkit config (${where}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { file: where },
      { cause },
    );
  }
  const filepath = result?.filepath ?? null;
  const merged = structuredMerge(structuredMerge((result?.config as object) ?? {}, envLayer(env)), overrides);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(root)';
    const source = filepath ?? 'config';
    throw new SubnetkitError('SK_CONFIG_INVALID', `${source}: "${key}": ${describeIssue(issue)}`, {
      file: filepath,
      key,
    });
  }
  return { config: parsed.data, filepath };
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) return `unknown key(s) ${issue.keys.join(', ')}`;
  return issue.message;
}

function envLayer(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [name, { path, parse }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = layer;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = parse(value);
  }
  return layer;
}

/** Deep-merges plain objects; arrays and other values from `over` replace those in `base`. */
function structuredMerge(base: object, over: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? structuredMerge(b, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}
