import { hash } from 'node:crypto';
import type { z } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { PY_ANY, type PyType, pyStr } from './python-repr.js';

/** How a streaming synapse frames its chunks: raw text (token streaming) or one JSON value per line. */
export type StreamFormat = 'text' | 'ndjson';

/** A subnet task as plugins declare it: zod request/response objects plus call options. */
export interface SynapseTask<Req extends z.ZodObject = z.ZodObject, Res extends z.ZodObject = z.ZodObject> {
  readonly request: Req;
  readonly response: Res;
  readonly timeoutMs?: number;
  readonly streaming?: boolean | { readonly format: StreamFormat };
}

/** A task plus its wire name and body-hash fields. */
export interface SynapseDefinition<Req extends z.ZodObject = z.ZodObject, Res extends z.ZodObject = z.ZodObject>
  extends SynapseTask<Req, Res> {
  /** Route and class name, e.g. `TextSynapse`. */
  readonly name: string;
  /**
   * Fields fed to the body hash, in order. Defaults to every request field, so the signature
   * covers the request data; pass `[]` only to talk to a Python class without hash fields.
   */
  readonly hashFields?: readonly string[];
}

/** A synapse compiled for the wire: names, Python types and header fragments worked out once. */
export interface Synapse<Req extends z.ZodObject = z.ZodObject, Res extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly request: Req;
  readonly response: Res;
  readonly requestFields: readonly string[];
  readonly responseFields: readonly string[];
  readonly hashFields: readonly string[];
  readonly fieldTypes: ReadonlyMap<string, PyType>;
  /** `bt_header_input_obj_<field>` → base64 of an empty value, for each required request field. */
  readonly inputObjHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly streaming: StreamFormat | undefined;
}

/** Request type of a compiled synapse. */
export type SynapseRequest<S> = S extends Synapse<infer Req, z.ZodObject> ? z.output<Req> : never;
/** Response type of a compiled synapse (what a handler returns). */
export type SynapseResponse<S> = S extends Synapse<z.ZodObject, infer Res> ? z.output<Res> : never;

/** Base Synapse fields: a subnet field may not reuse them. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'timeout',
  'total_size',
  'header_size',
  'dendrite',
  'axon',
  'computed_body_hash',
  'required_hash_fields',
]);

/** SDK default synapse timeout, seconds. */
export const DEFAULT_TIMEOUT_MS = 12_000;

/** Route name for a subnet: `text` → `TextSynapse`, `image-gen` → `ImageGenSynapse`. */
export function synapseNameFor(subnetName: string): string {
  const pascal = subnetName
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  return `${pascal}Synapse`;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles a synapse definition for the wire.
 *
 * @example
 * const Text = defineSynapse({ name: 'TextSynapse', request: z.object({ prompt: z.string() }),
 *   response: z.object({ completion: z.string() }) });
 */
export function defineSynapse<Req extends z.ZodObject, Res extends z.ZodObject>(
  def: SynapseDefinition<Req, Res>,
): Synapse<Req, Res> {
  if (!NAME_RE.test(def.name)) {
    throw new SubnetkitError('SK_PROTOCOL_BAD_SPEC', `Synapse name "${def.name}" must be a Python identifier`, {
      name: def.name,
    });
  }
  const requestFields = Object.keys(def.request.shape);
  const responseFields = Object.keys(def.response.shape);
  const fieldTypes = new Map<string, PyType>();
  const inputObjHeaders: Record<string, string> = {};
  for (const [fields, shape] of [
    [requestFields, def.request.shape],
    [responseFields, def.response.shape],
  ] as const) {
    for (const f of fields) {
      if (RESERVED_FIELDS.has(f) || !NAME_RE.test(f)) {
        throw new SubnetkitError(
          'SK_PROTOCOL_BAD_SPEC',
          `Synapse ${def.name}: field "${f}" is reserved or not an identifier`,
          {
            name: def.name,
            field: f,
          },
        );
      }
      if (fieldTypes.has(f)) {
        throw new SubnetkitError(
          'SK_PROTOCOL_BAD_SPEC',
          `Synapse ${def.name}: field "${f}" is both request and response`,
          {
            name: def.name,
            field: f,
          },
        );
      }
      fieldTypes.set(f, pyTypeOf((shape as Record<string, z.ZodType>)[f]!));
    }
  }
  for (const f of requestFields) {
    const schema = (def.request.shape as Record<string, z.ZodType>)[f]!;
    if (isOptional(schema)) continue;
    inputObjHeaders[`bt_header_input_obj_${f}`] = Buffer.from(emptyJsonOf(schema)).toString('base64');
  }
  const hashFields = def.hashFields ?? requestFields;
  for (const f of hashFields) {
    if (!fieldTypes.has(f)) {
      throw new SubnetkitError('SK_PROTOCOL_BAD_SPEC', `Synapse ${def.name}: hash field "${f}" is not a field`, {
        name: def.name,
        field: f,
      });
    }
  }
  const timeoutMs = def.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new SubnetkitError('SK_PROTOCOL_BAD_SPEC', `Synapse ${def.name}: timeoutMs must be a positive number`, {
      name: def.name,
    });
  }
  const streaming =
    def.streaming === undefined || def.streaming === false
      ? undefined
      : def.streaming === true
        ? ('text' as const)
        : def.streaming.format;
  return {
    name: def.name,
    request: def.request,
    response: def.response,
    requestFields,
    responseFields,
    hashFields: [...hashFields],
    fieldTypes,
    inputObjHeaders,
    timeoutMs,
    streaming,
  };
}

/** Compiles a plugin task: the name comes from the subnet (`text` → `TextSynapse`) unless given. */
export function synapseFromTask<Req extends z.ZodObject, Res extends z.ZodObject>(
  subnetName: string,
  task: SynapseTask<Req, Res>,
  overrides: { name?: string; hashFields?: readonly string[] } = {},
): Synapse<Req, Res> {
  return defineSynapse({
    ...task,
    name: overrides.name ?? synapseNameFor(subnetName),
    hashFields: overrides.hashFields,
  });
}

/** The built-in `/Synapse` ping route: no fields, echoes the base synapse. */
export const PING_SYNAPSE_NAME = 'Synapse';

const SHA3_EMPTY = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a';

/** SHA3-256 (FIPS 202) hex of a UTF-8 string. */
export function sha3Hex(text: string): string {
  // the one-shot hash skips the Hash object: about 5x less CPU (every request hashes its fields)
  return hash('sha3-256', text, 'hex');
}

/**
 * The SDK body hash: SHA3-256 over the concatenated SHA3-256 hex of each hash field's Python
 * `str()` rendering. With no hash fields it is the constant SHA3-256 of "".
 */
export function computeBodyHash(
  hashFields: readonly string[],
  values: Readonly<Record<string, unknown>>,
  types: ReadonlyMap<string, PyType> = new Map(),
): string {
  if (hashFields.length === 0) return SHA3_EMPTY;
  let concat = '';
  for (const f of hashFields) concat += sha3Hex(pyStr(values[f] ?? null, types.get(f) ?? PY_ANY));
  return sha3Hex(concat);
}

/** Body hash of a compiled synapse's values. */
export function synapseBodyHash(synapse: Synapse, values: Readonly<Record<string, unknown>>): string {
  return computeBodyHash(synapse.hashFields, values, synapse.fieldTypes);
}

// --- zod introspection -------------------------------------------------------------------------

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  element?: ZodLike;
  items?: ZodLike[];
  rest?: ZodLike | null;
  valueType?: ZodLike;
  shape?: Record<string, ZodLike>;
  in?: ZodLike;
  out?: ZodLike;
  entries?: Record<string, unknown>;
  values?: unknown[];
  getter?: () => ZodLike;
}
interface ZodLike {
  _zod: { def: ZodDefLike; optin?: string };
  isInt?: boolean;
  format?: string | null;
}

function defOf(s: unknown): ZodDefLike {
  return (s as ZodLike)._zod.def;
}

function isOptional(s: z.ZodType): boolean {
  return (s as unknown as ZodLike)._zod.optin === 'optional';
}

/** Python type of a zod schema (int vs float matters for hashing). */
export function pyTypeOf(schema: unknown, depth = 0): PyType {
  if (depth > 32) return PY_ANY;
  const s = schema as ZodLike;
  const d = defOf(s);
  switch (d.type) {
    case 'number':
      return s.isInt || s.format === 'safeint' || s.format === 'int32' || s.format === 'uint32'
        ? { k: 'int' }
        : { k: 'float' };
    case 'int':
    case 'bigint':
      return { k: 'int' };
    case 'string':
    case 'enum':
    case 'template_literal':
      return { k: 'str' };
    case 'boolean':
      return { k: 'bool' };
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return d.innerType ? pyTypeOf(d.innerType, depth + 1) : PY_ANY;
    case 'pipe':
      return d.out && defOf(d.out).type !== 'transform' ? pyTypeOf(d.out, depth + 1) : pyTypeOf(d.in, depth + 1);
    case 'lazy':
      return d.getter ? pyTypeOf(d.getter(), depth + 1) : PY_ANY;
    case 'array':
      return { k: 'list', item: d.element ? pyTypeOf(d.element, depth + 1) : PY_ANY };
    case 'tuple':
      return {
        k: 'tuple',
        items: (d.items ?? []).map((i) => pyTypeOf(i, depth + 1)),
        rest: d.rest ? pyTypeOf(d.rest, depth + 1) : undefined,
      };
    case 'record':
      return { k: 'dict', value: d.valueType ? pyTypeOf(d.valueType, depth + 1) : PY_ANY };
    case 'object':
      return {
        k: 'model',
        fields: Object.entries(d.shape ?? {}).map(([k, v]) => [k, pyTypeOf(v, depth + 1)] as const),
      };
    default:
      return PY_ANY;
  }
}

/** JSON of the "empty instance" the SDK puts in `bt_header_input_obj_*` for a field type. */
function emptyJsonOf(schema: unknown): string {
  const d = defOf(schema);
  if (d.type === 'literal' && d.values && d.values.length > 0) return JSON.stringify(d.values[0]);
  if (d.type === 'enum' && d.entries) return JSON.stringify(Object.values(d.entries)[0] ?? '');
  const t = pyTypeOf(schema);
  switch (t.k) {
    case 'int':
      return '0';
    case 'float':
      return '0.0';
    case 'str':
      return '""';
    case 'bool':
      return 'false';
    case 'list':
    case 'tuple':
      return '[]';
    case 'dict':
    case 'model':
      return '{}';
    default:
      return 'null';
  }
}
