import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSynapseHeaders,
  safeHeaderText,
  synapseBody,
  synapseBodyJson,
  TERMINAL_FIELDS,
  type TerminalInfo,
} from './headers.js';
import { stringifyJsonBig } from './json-bigint.js';
import { pyFloatRepr } from './python-repr.js';
import { RESERVED_FIELDS } from './synapse.js';

const terminal = fc.record(
  {
    status_code: fc.option(fc.integer({ min: 100, max: 599 })),
    status_message: fc.option(fc.string()),
    process_time: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
    ip: fc.option(fc.string()),
    port: fc.option(fc.integer({ min: 0, max: 65535 })),
    version: fc.option(fc.integer({ min: 0 })),
    nonce: fc.option(fc.bigInt({ min: 0n, max: 1n << 64n })),
    uuid: fc.option(fc.uuid()),
    hotkey: fc.option(fc.string()),
    signature: fc.option(fc.string()),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<TerminalInfo>;

describe('synapseBodyJson', () => {
  it('writes exactly what stringifyJsonBig(synapseBody(...)) writes (property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        terminal,
        terminal,
        fc.dictionary(
          // subnet fields are never base-field names (defineSynapse refuses them) nor integer-like
          fc.string().filter((k) => !/^\d+$/.test(k) && !RESERVED_FIELDS.has(k)),
          fc.oneof(fc.jsonValue(), fc.bigInt(), fc.constant(undefined)),
        ),
        (name, timeout, dendrite, axon, fields) => {
          expect(synapseBodyJson(name, timeout, dendrite, axon, fields)).toBe(
            stringifyJsonBig(synapseBody(name, timeout, dendrite, axon, fields)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** The plain rendering the SDK's `to_headers` describes: every non-null field, made header-safe. */
function referenceHeaders(timeoutS: number | null, axon: TerminalInfo, dendrite: TerminalInfo): Record<string, string> {
  const out: Record<string, string> = { name: 'N' };
  if (timeoutS !== null) out.timeout = pyFloatRepr(timeoutS);
  for (const [side, info] of [
    ['axon', axon],
    ['dendrite', dendrite],
  ] as const) {
    for (const f of TERMINAL_FIELDS) {
      const v = info[f];
      if (v === null || v === undefined) continue;
      out[`bt_header_${side}_${f}`] = safeHeaderText(f === 'process_time' ? pyFloatRepr(v as number) : String(v));
    }
  }
  out.bt_header_input_obj_x = 'e30=';
  out.header_size = '0';
  out.total_size = '0';
  out.computed_body_hash = 'h';
  return out;
}

describe('buildSynapseHeaders', () => {
  it('renders every non-null field header-safe, in the SDK order (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
        terminal,
        terminal,
        (t, axon, dendrite) => {
          const got = buildSynapseHeaders({
            name: 'N',
            timeoutS: t,
            axon,
            dendrite,
            inputObjHeaders: { bt_header_input_obj_x: 'e30=' },
            bodyHash: 'h',
          });
          const want = referenceHeaders(t, axon, dendrite);
          expect(got).toEqual(want);
          expect(Object.keys(got)).toEqual(Object.keys(want));
        },
      ),
      { numRuns: 150 },
    );
  });
});
