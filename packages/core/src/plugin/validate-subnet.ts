import { z } from 'zod';
import { isErrorCatalog } from '../errors/plugin-codes.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { CORE_IDENTITY, DEFINED_BY, SUPPORTED_API_VERSIONS } from './core-identity.js';
import type { AnySubnet } from './types.js';

const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const MODEL_TASKS = [
  'text-generation',
  'feature-extraction',
  'image-to-image',
  'zero-shot-image-classification',
  'time-series-forecasting',
] as const;

/** Duck-typed: a subnet may bring its own zod copy, so `instanceof` would lie. */
const zodSchema = z.custom<z.ZodType>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  { message: 'expected a zod schema' },
);
/** An object schema (its fields become the synapse's wire fields). */
const zodObjectSchema = z.custom<z.ZodObject>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { safeParse?: unknown }).safeParse === 'function' &&
    typeof (v as { shape?: unknown }).shape === 'object',
  { message: 'expected a zod object schema (z.object({...}))' },
);
const fn = z.custom<(...args: unknown[]) => unknown>((v) => typeof v === 'function', {
  message: 'expected a function',
});

const definitionSchema = z.object({
  apiVersion: z.number(),
  name: z.string(),
  description: z.string().optional(),
  version: z.number().int().nonnegative().optional(),
  task: z.object({
    request: zodObjectSchema,
    response: zodObjectSchema,
    timeoutMs: z.number().int().positive().max(600_000).optional(),
    stream: z.object({ chunk: zodSchema, assemble: fn }).optional(),
  }),
  options: zodSchema.optional(),
  models: z
    .record(
      z.string().regex(/^[a-zA-Z_$][\w$]*$/, 'model keys must be identifiers'),
      z
        .object({
          task: z.enum(MODEL_TASKS),
          model: z.string().min(1),
          fixture: z.string().min(1, 'every model needs a test fixture'),
          dtype: z.enum(['fp32', 'fp16', 'q8', 'q4']).optional(),
        })
        .passthrough(),
    )
    .optional(),
  miner: z.object({ handle: fn, stream: fn.optional() }),
  validator: z.object({ challenge: fn, reward: fn, resolveTruth: fn.optional() }),
  adversaries: z
    .object({ lazy: fn.optional(), random: fn.optional(), baselines: z.record(z.string(), fn).optional() })
    .optional(),
  weights: z.object({ power: z.number().positive().max(16).optional() }).optional(),
  errors: z.custom((v) => isErrorCatalog(v), { message: 'expected defineErrorCodes({...})' }).optional(),
});

/** Where a subnet came from, for error messages. */
export interface SubnetOrigin {
  source: string;
}

/**
 * Checks a subnet definition against the plugin contract. Throws a SubnetkitError with a
 * stable code naming the source and the key; returns the definition typed for the host.
 */
export function validateSubnet(candidate: unknown, origin: SubnetOrigin): AnySubnet {
  const where = origin.source;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new SubnetkitError('SK_PLUGIN_INVALID', `${where}: the default export is not a subnet definition object.`, {
      source: where,
    });
  }
  const raw = candidate as Record<string, unknown>;
  // the specific checks first, so each common mistake gets its own code
  if (typeof raw.apiVersion !== 'number' || !SUPPORTED_API_VERSIONS.includes(raw.apiVersion)) {
    throw new SubnetkitError(
      'SK_PLUGIN_API_VERSION',
      `${where}: apiVersion ${JSON.stringify(raw.apiVersion)} is not supported; this @subnetkit/core hosts apiVersion ${SUPPORTED_API_VERSIONS.join(', ')}. Upgrade @subnetkit/core or the subnet.`,
      { source: where, apiVersion: raw.apiVersion as never },
    );
  }
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) {
    throw new SubnetkitError(
      'SK_PLUGIN_BAD_NAME',
      `${where}: name ${JSON.stringify(raw.name)} must be 2-32 characters of a-z, 0-9 and '-', starting with a letter.`,
      { source: where, key: 'name' },
    );
  }
  const miner = raw.miner as Record<string, unknown> | undefined;
  const validator = raw.validator as Record<string, unknown> | undefined;
  const missing = [
    typeof miner?.handle !== 'function' && 'miner.handle',
    typeof validator?.challenge !== 'function' && 'validator.challenge',
    typeof validator?.reward !== 'function' && 'validator.reward',
  ].filter((m): m is string => typeof m === 'string');
  if (missing.length > 0) {
    throw new SubnetkitError(
      'SK_PLUGIN_MISSING_HANDLER',
      `${where} (subnet '${raw.name}'): missing ${missing.join(', ')}; a subnet must define all of miner.handle, validator.challenge and validator.reward.`,
      { source: where, subnet: raw.name, key: missing[0] },
    );
  }
  const definedBy = (candidate as { [DEFINED_BY]?: unknown })[DEFINED_BY];
  if (definedBy !== undefined && definedBy !== CORE_IDENTITY) {
    throw new SubnetkitError(
      'SK_PLUGIN_DUPLICATE_CORE',
      `${where}: the subnet was defined with another copy of @subnetkit/core (${String(definedBy)}) than the host's (${CORE_IDENTITY}). Make @subnetkit/core a peerDependency of the subnet and deduplicate (npm dedupe).`,
      { source: where, subnet: raw.name, theirs: String(definedBy), ours: CORE_IDENTITY },
    );
  }
  const parsed = definitionSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new SubnetkitError(
      'SK_PLUGIN_INVALID',
      `${where} (subnet '${raw.name}'): ${key || 'definition'}: ${issue?.message ?? 'invalid'}.`,
      { source: where, subnet: raw.name, key },
    );
  }
  if (raw.task && (raw.task as { stream?: unknown }).stream === undefined && miner?.stream !== undefined) {
    throw new SubnetkitError(
      'SK_PLUGIN_INVALID',
      `${where} (subnet '${raw.name}'): miner.stream needs task.stream (chunk schema and assemble).`,
      { source: where, subnet: raw.name, key: 'task.stream' },
    );
  }
  return candidate as AnySubnet;
}

/** Parses a subnet's options (from config) with its schema, applying its defaults. */
export function parseSubnetOptions(subnet: AnySubnet, options: unknown, origin: SubnetOrigin): unknown {
  if (!subnet.options) return options ?? {};
  const parsed = subnet.options.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new SubnetkitError(
      'SK_PLUGIN_BAD_OPTIONS',
      `${origin.source} (subnet '${subnet.name}'): option ${key || '(root)'}: ${issue?.message ?? 'invalid'}.`,
      { source: origin.source, subnet: subnet.name, key },
    );
  }
  return parsed.data;
}
