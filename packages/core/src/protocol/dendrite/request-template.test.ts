import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSynapseHeaders, synapseBodyJson, type TerminalInfo } from '../headers.js';
import { MARK, RequestTemplate, type TargetValues, type TemplateInput } from './request-template.js';

/** What the generic builders write for the same call (the reference the template must match). */
function generic(input: TemplateInput, v: TargetValues): { headers: Record<string, string>; body: string } {
  const axon: TerminalInfo = { ip: v.ip, port: v.port, hotkey: v.hotkey };
  const dendrite: TerminalInfo = {
    ip: input.dendriteIp,
    version: input.version,
    nonce: v.nonce,
    uuid: v.uuid,
    hotkey: input.dendriteHotkey,
    signature: input.signed ? v.signature : undefined,
  };
  return {
    headers: buildSynapseHeaders({
      name: input.name,
      timeoutS: input.timeoutS,
      axon,
      dendrite,
      inputObjHeaders: input.inputObjHeaders,
      bodyHash: input.bodyHash,
    }),
    body: synapseBodyJson(input.name, input.timeoutS, dendrite, axon, input.fields),
  };
}

const input = (over: Partial<TemplateInput> = {}): TemplateInput => ({
  name: 'EchoSynapse',
  timeoutS: 12,
  dendriteIp: '0.0.0.0',
  version: 9_000_000,
  dendriteHotkey: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  inputObjHeaders: { bt_header_input_obj_text: 'Imhpbnk=' },
  bodyHash: 'ab'.repeat(32),
  fields: { text: 'hi', n: 3, echoed: null, doubled: null },
  signed: true,
  ...over,
});

describe('RequestTemplate', () => {
  it('writes exactly what buildSynapseHeaders and synapseBodyJson write, for any target (property)', () => {
    const text = fc.string({ maxLength: 40, unit: 'binary' });
    fc.assert(
      fc.property(
        fc.record({
          ip: text,
          port: fc.oneof(fc.integer({ min: 0, max: 65_535 }), fc.double()),
          hotkey: fc.oneof(
            text,
            text.map((t) => `${t}${'k'.repeat(510)}`),
          ),
          nonce: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          uuid: fc.uuid(),
          signature: text,
        }),
        fc.boolean(),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
        (target, signed, fields) => {
          // a signed call always has a signature; a session call has none
          const v = { ...target, signature: signed ? target.signature : undefined };
          const inp = input({ signed, fields });
          const t = RequestTemplate.of(inp);
          expect(t).toBeDefined();
          const want = generic(inp, v);
          const headers = t?.headers(v);
          expect(headers).toEqual(want.headers);
          // same key order too (undici writes headers in insertion order)
          expect(Object.keys(headers ?? {})).toEqual(Object.keys(want.headers));
          expect(t?.body(v)).toBe(want.body);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("puts extra headers after the SDK ones, in every target's copy", () => {
    const extra = { 'content-type': 'application/json' };
    const inp = input({ extraHeaders: extra });
    const t = RequestTemplate.of(inp) as RequestTemplate;
    const v = { ip: '10.0.0.1', port: 8091, hotkey: 'hk', nonce: 5n, uuid: 'u', signature: '0x01' };
    const want = { ...generic(inp, v).headers, ...extra };
    const got = t.headers(v);
    expect(got).toEqual(want);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(Object.keys(got).at(-1)).toBe('content-type');
    expect(t.body(v)).toBe(generic(inp, v).body);
  });

  it('each target gets its own header object', () => {
    const t = RequestTemplate.of(input()) as RequestTemplate;
    const v = { ip: '10.0.0.1', port: 8091, hotkey: 'hk', nonce: 5n, uuid: 'u', signature: '0x01' };
    const a = t.headers(v);
    const b = t.headers({ ...v, nonce: 6n });
    expect(a.bt_header_dendrite_nonce).toBe('5');
    expect(b.bt_header_dendrite_nonce).toBe('6');
    a.extra = 'x';
    expect(t.headers(v).extra).toBeUndefined();
  });

  it('is refused when a request field renders as one of its markers (the caller then builds generically)', () => {
    expect(RequestTemplate.of(input({ fields: { text: MARK.uuid, n: 1 } }))).toBeUndefined();
    expect(RequestTemplate.of(input({ fields: { text: 'x', n: MARK.port } }))).toBeUndefined();
    expect(RequestTemplate.of(input({ fields: { text: 'x', n: MARK.nonce } }))).toBeUndefined();
    expect(RequestTemplate.of(input({ inputObjHeaders: { bt_header_input_obj_x: MARK.hotkey } }))).toBeUndefined();
    // inside a longer string a marker is not a JSON token of its own: kept as text
    const inp = input({ fields: { text: `say ${MARK.uuid}`, n: 1 } });
    const v = { ip: '1.2.3.4', port: 1, hotkey: 'h', nonce: 7n, uuid: 'u', signature: 's' };
    expect(RequestTemplate.of(inp)?.body(v)).toBe(generic(inp, v).body);
  });
});
