import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../errors/code-of.test-helper.js';
import * as core from '../index.js';
import { axonIpStr, canonicalIp, dendriteUrl, ipFromInt, ipToInt, ipVersion, isServing } from './ip.js';
import { parseJsonBig } from './json-bigint.js';
import { bondRowToDense, emissionToTao, rootWeightRowToDense, weightRowToDense } from './metagraph-utils.js';
import { u16NormalizedFloat } from './weights.js';

// Vectors copied from shared/vectors/protocol (see fixtures/README.md); u128 IPs are strings there.
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const M: any = parseJsonBig(readFileSync(new URL('./fixtures/metagraph.json', import.meta.url), 'utf8'));
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const W: any = parseJsonBig(readFileSync(new URL('./fixtures/weight_utils.json', import.meta.url), 'utf8'));
const TOL = 1e-6;

/** Cases of a vector group, whether the group is a list or `{ cases: [...] }`. */
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
function cases(group: any): any[] {
  const list = Array.isArray(group) ? group : group?.cases;
  expect(Array.isArray(list) && list.length > 0).toBe(true);
  return list;
}

describe('public exports', () => {
  it('exports the SDK helpers from @subnetkit/core', () => {
    for (const name of [
      'ipFromInt',
      'ipToInt',
      'canonicalIp',
      'axonIpStr',
      'isServing',
      'dendriteUrl',
      'weightRowToDense',
      'rootWeightRowToDense',
      'bondRowToDense',
      'emissionToTao',
      'u16NormalizedFloat',
    ]) {
      expect(typeof (core as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

describe('chain IP ↔ text (metagraph.json)', () => {
  it('renders the chain u128 like the SDK, ignoring ip_type', () => {
    for (const c of cases(M.chain_ip_to_string)) {
      expect(ipFromInt(BigInt(c.chain_ip_u128)), c.ip_str).toBe(c.ip_str);
      expect(ipVersion(c.ip_str)).toBe(c.ip_version);
      expect(ipToInt(c.ip_str)).toBe(BigInt(c.chain_ip_u128));
    }
  });
  it('converts text to the integer serve_axon sends', () => {
    for (const c of cases(M.ip_to_int)) {
      expect(ipToInt(c.ip_str_in)).toBe(BigInt(c.ip_to_int));
      expect(ipVersion(c.ip_str_in)).toBe(c.ip_version);
    }
  });
  it('renders IPv6 in RFC 5952 form and parses both full and compressed forms', () => {
    expect(ipFromInt(0x20010db8000000000000000000000001n)).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('2001:0DB8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single 0 stays
    expect(canonicalIp('::ffff:c000:301')).toBe('::ffff:192.0.3.1');
    expect(ipToInt('2001:db8::1')).toBe(ipToInt('2001:db8:0:0:0:0:0:1'));
    expect(canonicalIp(' 10.0.0.1 ')).toBe('10.0.0.1');
  });
  it('round-trips any u128 through text (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
        const text = ipFromInt(v);
        expect(ipToInt(text)).toBe(v);
        expect(canonicalIp(text)).toBe(text);
        if (text.includes(':')) expect(text).not.toMatch(/(^|:)0[0-9a-f]|[A-F]|:::/);
      }),
      { numRuns: 300 },
    );
  });
  it('refuses what is not an address with SK_PROTOCOL_BAD_IP', () => {
    for (const bad of ['1.2.3', '01.2.3.4', '0x7f.0.0.1', '256.1.1.1', '2001:db8::1::2', 'fe80::1%eth0', 'host', ''])
      expect(
        codeOf(() => ipToInt(bad)),
        bad,
      ).toBe('SK_PROTOCOL_BAD_IP');
    expect(codeOf(() => ipFromInt(-1n))).toBe('SK_PROTOCOL_BAD_IP');
    expect(codeOf(() => ipFromInt(1n << 128n))).toBe('SK_PROTOCOL_BAD_IP');
    expect(codeOf(() => ipFromInt('12x'))).toBe('SK_PROTOCOL_BAD_IP');
  });
});

describe('axon info helpers (metagraph.json)', () => {
  it('formats ip_str', () => {
    for (const c of cases(M.axon_ip_str))
      expect(axonIpStr({ ipType: c.ip_type, ip: c.ip, port: c.port })).toBe(c.expected);
    expect(axonIpStr({ ipType: 6, ip: '2001:db8:0:0:0:0:0:1', port: 8091 })).toBe('/ipv6/2001:db8::1:8091');
  });
  it('is_serving is false only for the literal 0.0.0.0', () => {
    for (const c of cases(M.is_serving)) expect(isServing(c.ip), c.ip).toBe(c.expected);
    expect(isServing('1.2.3.4')).toBe(true);
  });
  it('builds the dendrite URL by the SDK rule', () => {
    for (const c of cases(M.dendrite_url)) {
      expect(dendriteUrl({ ip: c.axon_ip, port: c.axon_port }, c.synapse, { externalIp: c.dendrite_external_ip })).toBe(
        c.expected,
      );
    }
    // the axon at the dendrite's own external IP is dialled at 0.0.0.0, also when written differently
    expect(dendriteUrl({ ip: '2001:db8::1', port: 1 }, 'S', { externalIp: '2001:db8:0:0:0:0:0:1' })).toBe(
      'http://0.0.0.0:1/S',
    );
    expect(dendriteUrl({ ip: '2001:db8:0::1', port: 8091 }, 'S', { bracketIpv6: true })).toBe(
      'http://[2001:db8::1]:8091/S',
    );
    expect(dendriteUrl({ ip: '1.2.3.4', port: 8091 }, 'S', { bracketIpv6: true })).toBe('http://1.2.3.4:8091/S');
  });
  it('converts emission rao to TAO and u16 to floats', () => {
    for (const c of cases(M.emission)) expect(emissionToTao(BigInt(c.chain))).toBe(c.expected);
    for (const c of cases(M.u16_normalized_float)) expect(u16NormalizedFloat(c.u16)).toBe(c.float64);
    for (const c of cases(W.u16_normalized_float))
      expect(Math.abs(u16NormalizedFloat(c.x) - c.expected)).toBeLessThanOrEqual(TOL);
  });
});

describe('dense rows (weight_utils.json)', () => {
  function expectRow(actual: number[], expected: number[]): void {
    expect(actual).toHaveLength(expected.length);
    for (const [i, a] of actual.entries()) expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(TOL);
  }
  it('weight rows: scattered by uid, divided by the row sum; out-of-range uids fail', () => {
    for (const c of cases(W.convert_weight_uids_and_vals_to_tensor)) {
      if (c.error)
        expect(
          codeOf(() => weightRowToDense(c.n, c.uids, c.weights)),
          c.id,
        ).toBe('SK_PROTOCOL_BAD_WEIGHTS');
      else expectRow(weightRowToDense(c.n, c.uids, c.weights), c.expected);
    }
    expect(codeOf(() => weightRowToDense(-1, [], []))).toBe('SK_PROTOCOL_BAD_WEIGHTS');
    expect(codeOf(() => weightRowToDense(3, [-1], [5]))).toBe('SK_PROTOCOL_BAD_WEIGHTS');
  });
  it('root rows: columns by netuid position, unknown netuids skipped', () => {
    for (const c of cases(W.convert_root_weight_uids_and_vals_to_tensor)) {
      const skipped: number[] = [];
      expectRow(
        rootWeightRowToDense(c.n, c.uids, c.weights, c.subnets, (s) => skipped.push(s)),
        c.expected,
      );
      expect(skipped).toEqual(c.uids.filter((u: number) => !c.subnets.includes(u)));
    }
  });
  it('bond rows: raw integers, not normalised', () => {
    for (const c of cases(W.convert_bond_uids_and_vals_to_tensor)) {
      if (c.error)
        expect(
          codeOf(() => bondRowToDense(c.n, c.uids, c.bonds)),
          c.id,
        ).toBe('SK_PROTOCOL_BAD_WEIGHTS');
      else expect(bondRowToDense(c.n, c.uids, c.bonds)).toEqual(c.expected);
    }
  });
});
