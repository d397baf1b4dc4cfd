import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { synapseBody, synapseBodyJson, type TerminalInfo } from './headers.js';
import { stringifyJsonBig } from './json-bigint.js';
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
