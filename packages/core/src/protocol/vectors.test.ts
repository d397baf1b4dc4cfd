import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../util/clock.js';
import { buildSynapseHeaders, parseHeadersToInputs, toTerminalInfo } from './headers.js';
import { parseJsonBig, stringifyJsonBig } from './json-bigint.js';
import { NonceGuard } from './nonce-guard.js';
import { pyFloatRepr, pyStr, pyStrRepr } from './python-repr.js';
import { publicKeyOf, signatureMessage, signText, templateSpecVersion, verifyText, versionAsInt } from './signing.js';
import { computeBodyHash, defineSynapse, pyTypeOf, sha3Hex } from './synapse.js';

// Vectors copied from shared/vectors/protocol (see fixtures/README.md); big ints need parseJsonBig.
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const V: any = parseJsonBig(readFileSync(new URL('./fixtures/synapse.json', import.meta.url), 'utf8'));

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('body hash vectors', () => {
  // Python types of the vector classes (JSON alone cannot tell int from float)
  const kitchen = z.object({
    s: z.string(),
    f: z.number(),
    g: z.number(),
    h: z.number(),
    flag: z.boolean(),
    ints: z.array(z.number().int()),
    strs: z.array(z.string()),
    mapping: z.record(z.string(), z.unknown()),
    nested: z.object({ x: z.number().int(), y: z.array(z.number()) }),
    opt: z.string().nullable(),
  });
  const hashed = z.object({ a: z.number().int(), b: z.number().int(), d: z.number().int().nullable() });
  const schemas: Record<string, z.ZodObject> = {
    Kitchen: kitchen,
    HashedSynapse: hashed,
    EmptyHash: z.object({ data: z.string() }),
  };

  // cases of classes this file knows the Python types of; the three of today's vectors must be there
  const known = (V.body_hash as { id: string; synapse_class: string }[]).filter((c) => schemas[c.synapse_class]);
  it('has the body-hash cases of each known class', () => {
    expect(new Set(known.map((c) => c.synapse_class))).toEqual(new Set(Object.keys(schemas)));
  });
  for (const c of known as typeof V.body_hash) {
    it(`${c.id}: per-field renderings and final hash match the SDK`, () => {
      const shape = schemas[c.synapse_class]!.shape as Record<string, z.ZodType>;
      const types = new Map(Object.entries(shape).map(([k, s]) => [k, pyTypeOf(s)]));
      for (const pf of c.per_field) {
        expect(pyStr(c.values[pf.field], types.get(pf.field))).toBe(pf.python_str);
        expect(sha3Hex(pf.python_str)).toBe(pf.sha3_256_hex);
      }
      expect(computeBodyHash(c.required_hash_fields, c.values, types)).toBe(c.expected_body_hash);
    });
  }
});

describe('python str() rendering vectors', () => {
  it('renders floats like Python repr', () => {
    for (const f of V.python_str_rendering.floats) expect(pyFloatRepr(Number(f.value_json))).toBe(f.python_str);
    expect(pyFloatRepr(-0)).toBe('-0.0');
    expect(pyFloatRepr(0.0001)).toBe('0.0001');
    expect(pyFloatRepr(1e15)).toBe('1000000000000000.0');
  });
  it('renders ints of any size', () => {
    for (const i of V.python_str_rendering.ints) expect(pyStr(i.value, { k: 'int' })).toBe(i.python_str);
  });
  it('renders strings inside lists with Python quoting and escapes', () => {
    for (const s of V.python_str_rendering.strings_in_list) {
      expect(pyStr([s.value], { k: 'list', item: { k: 'str' } })).toBe(s.python_str_of_list);
    }
    expect(pyStrRepr('a\u2028b')).toBe("'a\\u2028b'");
    expect(pyStrRepr('é✓')).toBe("'é✓'");
  });
  it('renders containers', () => {
    expect(pyStr([1, 2.0, 'a', null, true, false], { k: 'list', item: { k: 'any' } })).toBe(
      "[1, 2, 'a', None, True, False]",
    );
    const mixed = {
      k: 'tuple',
      items: [{ k: 'int' }, { k: 'float' }, { k: 'str' }, { k: 'any' }, { k: 'bool' }, { k: 'bool' }],
      rest: undefined,
    } as const;
    expect(pyStr([1, 2.0, 'a', null, true, false], mixed)).toBe("(1, 2.0, 'a', None, True, False)");
    const byLiteral = (lit: string): string =>
      (V.python_str_rendering.containers as { python_literal: string; python_str: string }[]).find(
        (x) => x.python_literal === lit,
      )!.python_str;
    expect(pyStr([], { k: 'list', item: { k: 'any' } })).toBe(byLiteral('[]'));
    expect(pyStr([1], { k: 'tuple', items: [{ k: 'int' }], rest: undefined })).toBe(byLiteral('(1,)'));
  });
});

describe('request / response example', () => {
  const ex = V.request_example;
  const Dummy = defineSynapse({
    name: 'Dummy',
    request: z.object({ dummy_input: z.number().int() }),
    response: z.object({ dummy_output: z.number().int().nullable().optional() }),
    hashFields: [],
  });

  it('verifies the SDK-signed message and rebuilds it from the headers', () => {
    const h = ex.headers_excluding_sizes;
    const msg = signatureMessage({
      nonce: BigInt(h.bt_header_dendrite_nonce),
      dendriteHotkey: h.bt_header_dendrite_hotkey,
      axonHotkey: h.bt_header_axon_hotkey,
      uuid: h.bt_header_dendrite_uuid,
      bodyHash: h.computed_body_hash,
    });
    expect(msg).toBe(ex.message_to_sign);
    expect(verifyText(msg, h.bt_header_dendrite_signature, publicKeyOf(h.bt_header_dendrite_hotkey)!)).toBe(true);
  });

  it('builds the same headers the Python dendrite sends', () => {
    const h = ex.headers_excluding_sizes;
    const dendrite = toTerminalInfo(parseHeadersToInputs(h).dendrite, 'dendrite');
    const built = buildSynapseHeaders({
      name: 'Dummy',
      timeoutS: 12,
      axon: { ip: '198.51.100.7', port: 8091, hotkey: h.bt_header_axon_hotkey },
      dendrite,
      inputObjHeaders: Dummy.inputObjHeaders,
      bodyHash: computeBodyHash(Dummy.hashFields, { dummy_input: 7 }),
    });
    delete built.header_size;
    delete built.total_size;
    expect(built).toEqual(h);
  });

  it('round-trips the JSON body with the 19-digit nonce exact', () => {
    const body = parseJsonBig(ex.json_body_text_as_aiohttp_sends_it) as Record<string, Record<string, unknown>>;
    expect(body.dendrite!.nonce).toBe(1718000000123456789n);
    expect(parseJsonBig(stringifyJsonBig(body))).toEqual(body);
    expect(stringifyJsonBig(body)).toContain('"nonce":1718000000123456789');
  });

  it('builds the response headers of the example', () => {
    const r = V.response_example;
    const h = r.headers_excluding_sizes;
    const p = parseHeadersToInputs(h);
    const built = buildSynapseHeaders({
      name: 'Dummy',
      timeoutS: 12,
      axon: toTerminalInfo(p.axon, 'axon'),
      dendrite: toTerminalInfo(p.dendrite, 'dendrite'),
      inputObjHeaders: Dummy.inputObjHeaders,
      bodyHash: h.computed_body_hash,
    });
    delete built.header_size;
    delete built.total_size;
    expect(built).toEqual(h);
  });
});

describe('headers', () => {
  it('encodes input objects as base64 of the empty value', () => {
    const s = defineSynapse({
      name: 'X',
      request: z.object({ i: z.number().int(), s: z.string(), l: z.array(z.number()), opt: z.string().optional() }),
      response: z.object({}),
    });
    const byType: Record<string, string> = {};
    for (const e of V.input_obj_header_encoding) byType[e.python_type] = e.header_value;
    expect(s.inputObjHeaders).toEqual({
      bt_header_input_obj_i: byType.int,
      bt_header_input_obj_s: byType.str,
      bt_header_input_obj_l: byType.list,
    });
  });
  it('parses headers to inputs like the SDK', () => {
    for (const c of V.parse_headers_to_inputs)
      expect(parseHeadersToInputs(c.headers)).toEqual(splitInputs(c.expected_inputs));
  });
  it('renders the default synapse headers', () => {
    const h = buildSynapseHeaders({
      name: 'Synapse',
      timeoutS: 12,
      axon: {},
      dendrite: {},
      inputObjHeaders: {},
      bodyHash: computeBodyHash([], {}),
    });
    delete h.header_size;
    delete h.total_size;
    expect(h).toEqual(V.default_synapse_headers_excluding_sizes);
  });
});

// parse_headers_to_inputs puts decoded input objects under their field; ours groups them in `inputs`
function splitInputs(expected: Record<string, unknown>): Record<string, unknown> {
  const { axon, dendrite, timeout, name, header_size, total_size, computed_body_hash, ...inputs } = expected;
  return { axon, dendrite, timeout, name, header_size, total_size, computed_body_hash, inputs };
}

describe('versions and signatures', () => {
  it('computes version ints', () => {
    for (const c of V.version_as_int) expect(versionAsInt(c.version)).toBe(c.expected);
    for (const c of V.template_spec_version) expect(templateSpecVersion(c.version)).toBe(c.expected);
  });
  it('verifies the signature vectors', () => {
    for (const c of V.signatures) {
      expect(verifyText(c.message, c.signature, publicKeyOf(c.signer_ss58)!)).toBe(c.verifies);
    }
  });
  it('accepts a <Bytes>-wrapped signature and rejects any flipped byte', () => {
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    const msg = (V.signatures as { id: string; message: string }[]).find(
      (c) => c.id === 'dendrite-request-signature',
    )!.message;
    const wrapped = signText(alice, `<Bytes>${msg}</Bytes>`);
    expect(verifyText(msg, wrapped, alice.publicKey)).toBe(true);
    expect(verifyText(msg, wrapped, alice.publicKey, false)).toBe(false);
    const sig = signText(alice, msg);
    const flipped = `${sig.slice(0, 10)}${sig[10] === '0' ? '1' : '0'}${sig.slice(11)}`;
    expect(verifyText(msg, flipped, alice.publicKey)).toBe(false);
    expect(verifyText(msg, 'not-hex', alice.publicKey)).toBe(false);
  });
});

describe('nonce rules', () => {
  // The SDK only windows the first nonce of an endpoint; we window every nonce. So: every SDK
  // rejection is ours too (same message start), and SDK acceptances pass unless outside the window.
  for (const c of V.nonce_rules.cases as Record<string, unknown>[]) {
    const name = `nonce ${c.nonce}, stored ${c.stored_nonce_for_endpoint}, now ${c.now_ns}, timeout ${c.synapse_timeout}, version ${c.dendrite_version}`;
    it(`${name}: ${String(c.expected)}`, () => {
      const now = c.now_ns as bigint;
      const clock = new ManualClock(Number(now / 1_000_000n));
      const guard = new NonceGuard(clock);
      const ep = 'hk:uuid';
      if (c.stored_nonce_for_endpoint !== null) guard.commit(ep, c.stored_nonce_for_endpoint as bigint);
      const timeoutMs = c.synapse_timeout === null ? 0 : (c.synapse_timeout as number) * 1000;
      const r = guard.check(ep, c.nonce as bigint, timeoutMs);
      const expected = c.expected as string;
      const windowLow = now - 4_000_000_000n - BigInt(timeoutMs) * 1_000_000n;
      if (expected === 'accept') {
        if ((c.nonce as bigint) > windowLow) expect(r).toEqual({ ok: true });
        else expect(r.ok ? '' : r.message).toMatch(/^Nonce is too old: acceptable delta is/);
      } else {
        const prefix = expected.replace(/^reject: /, '').replace(/ \.\.\. .*$/, '');
        expect(r.ok ? '' : r.message.startsWith(prefix)).toBe(true);
      }
    });
  }
  it('rejects nonces from the future beyond the allowed skew, and replays', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const g = new NonceGuard(clock, { maxFutureSkewMs: 1000 });
    const now = 1_700_000_000_000n * 1_000_000n;
    expect(g.check('a', now + 2_000_000_000n, 12_000)).toMatchObject({
      ok: false,
      message: expect.stringContaining('future'),
    });
    expect(g.check('a', now + 500_000_000n, 12_000)).toEqual({ ok: true });
    g.commit('a', now);
    expect(g.check('a', now, 12_000).ok).toBe(false);
    expect(g.check('a', now + 1n, 12_000).ok).toBe(true);
  });
});
