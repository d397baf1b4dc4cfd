import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntToIp, hyperparameterSetters, ipToBigInt, toSnakeCase } from './call-builder.js';

describe('axon ip encoding', () => {
  it('encodes IPv4 as the u32 subtensor stores and back', () => {
    expect(ipToBigInt('127.0.0.1', 4)).toBe(0x7f000001n);
    expect(bigIntToIp(0x7f000001n, 4)).toBe('127.0.0.1');
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(bigIntToIp(ipToBigInt(ip, 4), 4)).toBe(ip.split('.').map(Number).join('.'));
      }),
    );
  });

  it('encodes IPv6, including :: shorthand', () => {
    expect(ipToBigInt('::1', 6)).toBe(1n);
    expect(ipToBigInt('2001:db8::8a2e:370:7334', 6)).toBe(0x20010db80000000000008a2e03707334n);
    expect(bigIntToIp(ipToBigInt('2001:db8::1', 6), 6)).toBe('2001:db8::1');
    expect(bigIntToIp(ipToBigInt('2001:db8:0:0:1:0:0:1', 6), 6)).toBe('2001:db8::1:0:0:1');
  });

  it('rejects malformed addresses with SK_CHAIN_BAD_INPUT', () => {
    for (const [ip, t] of [
      ['1.2.3', 4],
      ['1.2.3.256', 4],
      ['a.b.c.d', 4],
      ['1::2::3', 6],
      ['1:2:3', 6],
      ['gggg::1', 6],
    ] as const) {
      expect(() => ipToBigInt(ip, t), ip).toThrow(expect.objectContaining({ code: 'SK_CHAIN_BAD_INPUT' }));
    }
  });
});

describe('hyperparameter setters', () => {
  it('maps subtensor and camelCase names to setter calls, aliases first', () => {
    expect(toSnakeCase('weightsRateLimit')).toBe('weights_rate_limit');
    expect(hyperparameterSetters('weightsRateLimit')[0]).toBe('AdminUtils.sudo_set_weights_set_rate_limit');
    expect(hyperparameterSetters('tempo').slice(0, 2)).toEqual([
      'SubtensorModule.set_tempo',
      'AdminUtils.sudo_set_tempo',
    ]);
    expect(hyperparameterSetters('min_burn')).toContain('AdminUtils.sudo_set_min_burn');
  });
});
