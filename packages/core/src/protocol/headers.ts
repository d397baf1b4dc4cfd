import { stringifyJsonBig } from './json-bigint.js';
import { pyFloatRepr } from './python-repr.js';

/** Caller- or server-side info carried with a synapse (SDK `TerminalInfo`). */
export interface TerminalInfo {
  status_code?: number | null;
  status_message?: string | null;
  process_time?: number | null;
  ip?: string | null;
  port?: number | null;
  version?: number | null;
  nonce?: bigint | null;
  uuid?: string | null;
  hotkey?: string | null;
  signature?: string | null;
}

/** TerminalInfo fields in the SDK's dump order. */
export const TERMINAL_FIELDS = [
  'status_code',
  'status_message',
  'process_time',
  'ip',
  'port',
  'version',
  'nonce',
  'uuid',
  'hotkey',
  'signature',
] as const;
type TerminalField = (typeof TERMINAL_FIELDS)[number];
const INT_FIELDS: ReadonlySet<string> = new Set(['status_code', 'port', 'version', 'nonce']);
const FLOAT_FIELDS: ReadonlySet<string> = new Set(['process_time']);

/** TerminalInfo as the JSON body carries it: every field present, null when unset. */
export function terminalToJson(t: TerminalInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of TERMINAL_FIELDS) out[f] = t[f] ?? null;
  return out;
}

/** JSON text of a TerminalInfo as the body carries it (nonce digits exact), without a generic serialiser. */
function terminalJsonText(t: TerminalInfo): string {
  let out = '{';
  for (let i = 0; i < TERMINAL_FIELDS.length; i++) {
    const f = TERMINAL_FIELDS[i] as TerminalField;
    const v = t[f];
    const text = v === null || v === undefined ? 'null' : typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
    out += `${i === 0 ? '' : ','}"${f}":${text}`;
  }
  return `${out}}`;
}

/**
 * `stringifyJsonBig(synapseBody(...))`, written directly: the one body every request and response
 * carries, so it skips the generic bigint-aware serialiser for the base fields.
 */
export function synapseBodyJson(
  name: string,
  timeoutS: number,
  dendrite: TerminalInfo,
  axon: TerminalInfo,
  fields: Record<string, unknown>,
): string {
  let out = `{"name":${JSON.stringify(name)},"timeout":${JSON.stringify(timeoutS)},"total_size":0,"header_size":0,"dendrite":${terminalJsonText(dendrite)},"axon":${terminalJsonText(axon)},"computed_body_hash":""`;
  for (const k of Object.keys(fields)) {
    const text = stringifyJsonBig(fields[k]);
    if (text !== undefined) out += `,${JSON.stringify(k)}:${text}`;
  }
  return `${out}}`;
}

/**
 * The JSON body of a synapse as the SDK sends it: the base Synapse fields, then the subnet's
 * request and response fields (null when unset).
 */
export function synapseBody(
  name: string,
  timeoutS: number,
  dendrite: TerminalInfo,
  axon: TerminalInfo,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name,
    timeout: timeoutS,
    total_size: 0,
    header_size: 0,
    dendrite: terminalToJson(dendrite),
    axon: terminalToJson(axon),
    computed_body_hash: '',
    ...fields,
  };
}

/** Headers parsed the SDK way: raw strings, input objects decoded (`parse_headers_to_inputs`). */
export interface ParsedHeaders {
  axon: Record<string, string>;
  dendrite: Record<string, string>;
  inputs: Record<string, unknown>;
  name?: string;
  timeout?: string;
  header_size?: string;
  total_size?: string;
  computed_body_hash?: string;
}

/** A header that could not be parsed; becomes a 400. */
export class HeaderParseError extends Error {}

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** SDK `parse_headers_to_inputs`; throws `HeaderParseError` on an undecodable input object. */
export function parseHeadersToInputs(headers: HeaderBag): ParsedHeaders {
  // null-prototype maps: a `__proto__` header stays an own key, with plain assignment (the
  // defineProperty this replaces pushed every map into slow dictionary mode)
  const out: ParsedHeaders = { axon: Object.create(null), dendrite: Object.create(null), inputs: Object.create(null) };
  for (const rawKey of Object.keys(headers)) {
    const value = headers[rawKey];
    if (typeof value !== 'string') continue;
    const key = rawKey.toLowerCase();
    // one prefix test for the common case, then the side by the character after it
    const bt = key.startsWith('bt_header_');
    const side = bt ? key.charCodeAt(10) : 0;
    if (side === 0x61 /* a */ && key.startsWith('axon_', 10)) out.axon[key.slice(15)] = value;
    else if (side === 0x64 /* d */ && key.startsWith('dendrite_', 10)) out.dendrite[key.slice(19)] = value;
    else if (side === 0x69 /* i */ && key.startsWith('input_obj_', 10)) {
      const field = key.slice(20);
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
      } catch {
        throw new HeaderParseError(`header ${key} is not base64 JSON`);
      }
      out.inputs[field] = decoded;
    } else if (
      key === 'name' ||
      key === 'timeout' ||
      key === 'header_size' ||
      key === 'total_size' ||
      key === 'computed_body_hash'
    ) {
      out[key] = value;
    }
  }
  return out;
}

const INT_RE = /^\s*[-+]?\d+\s*$/;
const FLOAT_RE = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** Coerces header strings into TerminalInfo the way pydantic does; throws `HeaderParseError`. */
export function toTerminalInfo(raw: Readonly<Record<string, string>>, side: string): TerminalInfo {
  const t: TerminalInfo = {};
  for (const f of TERMINAL_FIELDS) {
    const v = raw[f];
    if (v === undefined) continue;
    if (INT_FIELDS.has(f)) {
      if (!INT_RE.test(v)) throw new HeaderParseError(`bt_header_${side}_${f} must be an integer`);
      const big = BigInt(v.trim());
      if (f === 'nonce') t.nonce = big;
      else {
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new HeaderParseError(`bt_header_${side}_${f} is out of range`);
        }
        (t as Record<TerminalField, unknown>)[f] = Number(big);
      }
    } else if (FLOAT_FIELDS.has(f)) {
      if (!FLOAT_RE.test(v)) throw new HeaderParseError(`bt_header_${side}_${f} must be a number`);
      t.process_time = Number(v);
    } else {
      (t as Record<TerminalField, unknown>)[f] = v;
    }
  }
  return t;
}

/** Parses a `timeout` / size header: float seconds; throws `HeaderParseError`. */
export function parseFloatHeader(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!FLOAT_RE.test(v) || !Number.isFinite(Number(v))) throw new HeaderParseError(`${name} must be a number`);
  return Number(v);
}

/** Parses an integer header (sizes); throws `HeaderParseError`. */
export function parseIntHeader(v: string | undefined, name: string): void {
  if (v !== undefined && !INT_RE.test(v)) throw new HeaderParseError(`${name} must be an integer`);
}

const AXON_KEYS = TERMINAL_FIELDS.map((f) => `bt_header_axon_${f}`);
const DENDRITE_KEYS = TERMINAL_FIELDS.map((f) => `bt_header_dendrite_${f}`);

/** Adds the non-null fields of `info` as header text, as Python `str()` writes them. */
function putTerminal(out: Record<string, string>, keys: readonly string[], info: TerminalInfo): void {
  for (let i = 0; i < TERMINAL_FIELDS.length; i++) {
    const f = TERMINAL_FIELDS[i] as TerminalField;
    const v: unknown = info[f];
    if (v === null || v === undefined) continue;
    // numbers print as plain ASCII: only text needs the header-safe pass
    out[keys[i] as string] =
      typeof v === 'number'
        ? f === 'process_time'
          ? pyFloatRepr(v)
          : String(v)
        : typeof v === 'bigint'
          ? v.toString()
          : safeHeaderText(String(v));
  }
}

/** Options for rendering synapse headers (SDK `to_headers`). */
export interface SynapseHeaderInput {
  name: string;
  timeoutS: number | null;
  axon: TerminalInfo;
  dendrite: TerminalInfo;
  inputObjHeaders: Readonly<Record<string, string>>;
  bodyHash: string;
  totalSize?: number;
  headerSize?: number;
}

/** SDK `to_headers`: name, timeout, non-null TerminalInfo fields, input objects, sizes, body hash. */
export function buildSynapseHeaders(h: SynapseHeaderInput): Record<string, string> {
  const out: Record<string, string> = { name: h.name };
  if (h.timeoutS !== null) out.timeout = pyFloatRepr(h.timeoutS);
  putTerminal(out, AXON_KEYS, h.axon);
  putTerminal(out, DENDRITE_KEYS, h.dendrite);
  Object.assign(out, h.inputObjHeaders);
  out.header_size = String(h.headerSize ?? 0);
  out.total_size = String(h.totalSize ?? 0);
  out.computed_body_hash = h.bodyHash;
  return out;
}

const UNSAFE_HEADER_CHARS = /[^\t\x20-\x7e]/g;
const HAS_UNSAFE_HEADER_CHAR = /[^\t\x20-\x7e]/;

/** Header-safe text: replaces anything outside printable ASCII and truncates, so echoing never throws. */
export function safeHeaderText(v: string, max = 512): string {
  const s = v.length > max ? `${v.slice(0, max)}...` : v;
  // almost every value is clean: a test does not build a new string
  return HAS_UNSAFE_HEADER_CHAR.test(s) ? s.replace(UNSAFE_HEADER_CHARS, '?') : s;
}
