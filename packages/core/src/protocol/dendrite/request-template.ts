/**
 * A fan-out's requests differ only in the axon (ip, port, hotkey) and the dendrite's nonce, uuid
 * and signature. A template renders the headers and body once through the generic builders with
 * marker values in those six places, and each target then fills the markers in: a copy of one
 * header object and a string join instead of two generic passes over every field, before the
 * request's first byte goes out. The output is the generic builders' text exactly (tested).
 */
import { randomBytes } from 'node:crypto';
import { buildSynapseHeaders, safeHeaderText, synapseBodyJson, type TerminalInfo } from '../headers.js';

/** What every request of one call shares. */
export interface TemplateInput {
  readonly name: string;
  readonly timeoutS: number;
  readonly dendriteIp: string;
  readonly version: number;
  readonly dendriteHotkey: string;
  readonly inputObjHeaders: Readonly<Record<string, string>>;
  readonly bodyHash: string;
  /** Request fields (and response fields as null) in body order. */
  readonly fields: Record<string, unknown>;
  /** False for session calls: no signature header, `null` in the body. */
  readonly signed: boolean;
  /**
   * Headers after the SDK's (the dendrite's content-type), in the template itself: a target's
   * copy then gets no property added after it is made (a new property store per target).
   */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/** One target's values. */
export interface TargetValues {
  readonly ip: string;
  readonly port: number;
  readonly hotkey: string;
  readonly nonce: bigint;
  readonly uuid: string;
  readonly signature: string | undefined;
}

type Slot = 'ip' | 'port' | 'hotkey' | 'nonce' | 'uuid' | 'signature';

/**
 * Markers: random per process, so no request value can be one by accident; a template whose
 * body holds a marker more than once (a request field that happens to contain it) is refused and
 * the caller builds its requests the generic way.
 */
const tag = randomBytes(12).toString('hex');
/** @internal exported for the tests only */
export const MARK = {
  ip: `skip${tag}`,
  hotkey: `skhk${tag}`,
  uuid: `skuu${tag}`,
  signature: `sksg${tag}`,
  // numbers render as digits: 15 random digits below 2^53, 30 for the nonce
  port: 1e14 + (Number.parseInt(tag.slice(0, 12), 16) % 8e14),
  nonce: BigInt(`1${BigInt(`0x${tag}`).toString().padStart(29, '0').slice(-29)}`),
} as const;

/** Body text of each marker (strings JSON-quoted) and the slot it stands for. */
const BODY_MARKS: readonly [string, Slot][] = [
  [JSON.stringify(MARK.ip), 'ip'],
  [JSON.stringify(MARK.hotkey), 'hotkey'],
  [JSON.stringify(MARK.uuid), 'uuid'],
  [JSON.stringify(MARK.signature), 'signature'],
  // the nonce before the port: the longer digit run wins where one holds the other
  [MARK.nonce.toString(), 'nonce'],
  [String(MARK.port), 'port'],
];
// markers are letters, digits and quotes: nothing to escape
const BODY_MARK_RE = new RegExp(BODY_MARKS.map(([m]) => m).join('|'), 'g');
const SLOT_OF_BODY_MARK = new Map(BODY_MARKS);

export class RequestTemplate {
  readonly #headers: Record<string, string>;
  /**
   * Header keys to fill in and their slots, as two arrays read by index: a for-of over [key, slot]
   * pairs allocated an iterator and its results per header per target (~1 KB a target).
   */
  readonly #headerKeys: string[];
  readonly #headerSlots: Slot[];
  /** Body text between the markers, and the slot after each piece. */
  readonly #pieces: string[];
  readonly #bodySlots: Slot[];

  private constructor(headers: Record<string, string>, headerSlots: [string, Slot][], pieces: string[], slots: Slot[]) {
    this.#headers = headers;
    this.#headerKeys = headerSlots.map(([k]) => k);
    this.#headerSlots = headerSlots.map(([, slot]) => slot);
    this.#pieces = pieces;
    this.#bodySlots = slots;
  }

  /** A template for `input`, or undefined when its fields contain a marker (build generically). */
  static of(input: TemplateInput): RequestTemplate | undefined {
    const axon: TerminalInfo = { ip: MARK.ip, port: MARK.port, hotkey: MARK.hotkey };
    const dendrite: TerminalInfo = {
      ip: input.dendriteIp,
      version: input.version,
      nonce: MARK.nonce,
      uuid: MARK.uuid,
      hotkey: input.dendriteHotkey,
      signature: input.signed ? MARK.signature : undefined,
    };
    const headers = buildSynapseHeaders({
      name: input.name,
      timeoutS: input.timeoutS,
      axon,
      dendrite,
      inputObjHeaders: input.inputObjHeaders,
      bodyHash: input.bodyHash,
    });
    if (input.extraHeaders) Object.assign(headers, input.extraHeaders);
    const headerMarks = new Map<string, Slot>([
      [MARK.ip, 'ip'],
      [String(MARK.port), 'port'],
      [MARK.hotkey, 'hotkey'],
      [MARK.nonce.toString(), 'nonce'],
      [MARK.uuid, 'uuid'],
      [MARK.signature, 'signature'],
    ]);
    const headerSlots: [string, Slot][] = [];
    for (const [k, v] of Object.entries(headers)) {
      const slot = headerMarks.get(v);
      if (slot) headerSlots.push([k, slot]);
      else if (v.includes(tag)) return undefined;
    }
    const body = synapseBodyJson(input.name, input.timeoutS, dendrite, axon, input.fields);
    const pieces: string[] = [];
    const slots: Slot[] = [];
    let last = 0;
    for (const m of body.matchAll(BODY_MARK_RE)) {
      pieces.push(body.slice(last, m.index));
      slots.push(SLOT_OF_BODY_MARK.get(m[0]) as Slot);
      last = (m.index as number) + m[0].length;
    }
    pieces.push(body.slice(last));
    const expected = input.signed ? 6 : 5;
    if (headerSlots.length !== expected || slots.length !== expected || new Set(slots).size !== expected) {
      return undefined;
    }
    return new RequestTemplate(headers, headerSlots, pieces, slots);
  }

  /** The headers of one target's request, as `buildSynapseHeaders` writes them. */
  headers(v: TargetValues): Record<string, string> {
    const out = { ...this.#headers };
    const keys = this.#headerKeys;
    const slots = this.#headerSlots;
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = headerText(slots[i] as Slot, v);
    return out;
  }

  /** The body of one target's request, as `synapseBodyJson` writes it. */
  body(v: TargetValues): string {
    const pieces = this.#pieces;
    const slots = this.#bodySlots;
    let out = pieces[0] as string;
    for (let i = 0; i < slots.length; i++) out += bodyText(slots[i] as Slot, v) + (pieces[i + 1] as string);
    return out;
  }
}

function headerText(slot: Slot, v: TargetValues): string {
  switch (slot) {
    case 'port':
      return String(v.port);
    case 'nonce':
      return v.nonce.toString();
    default:
      return safeHeaderText(String(v[slot]));
  }
}

function bodyText(slot: Slot, v: TargetValues): string {
  switch (slot) {
    case 'port':
      return JSON.stringify(v.port);
    case 'nonce':
      return v.nonce.toString();
    default:
      return JSON.stringify(v[slot] ?? null);
  }
}
