import { describe, expect, test } from 'vitest';
import { ipToBigInt } from '../subtensor/call-builder.js';
import { axonIpFromU128, axonIpToU128 } from './axon-ip.js';

describe('axon IP codec (both backends)', () => {
  test('IPv4 and IPv6 text to the u128 of AxonInfo.ip and back', () => {
    expect(axonIpToU128('127.0.0.1', 4)).toBe(0x7f000001n);
    expect(axonIpToU128('255.255.255.255', 4)).toBe(0xffffffffn);
    expect(axonIpToU128('::', 6)).toBe(0n);
    expect(axonIpToU128('::1', 6)).toBe(1n);
    expect(axonIpToU128('2001:db8::8a2e:370:7334', 6)).toBe(0x20010db80000000000008a2e03707334n);
    for (const [ip, type] of [
      ['10.0.0.7', 4],
      ['2001:db8::1', 6],
      ['fe80::1:0:0:1', 6],
    ] as const) {
      expect(axonIpFromU128(axonIpToU128(ip, type) as bigint, type)).toBe(ip);
    }
  });

  test('not an address of that type: null here, SK_CHAIN_BAD_INPUT from the subtensor call builder', () => {
    const bad: [string, 4 | 6][] = [
      ['256.0.0.1', 4],
      ['1.2.3', 4],
      ['::1', 4],
      ['1.2.3.4', 6],
      ['1:2:3:4:5:6:7', 6],
      // `::` stands for at least one zero group, so 8 groups around it are too many
      ['1:2:3:4::5:6:7:8', 6],
      ['1::2::3', 6],
      ['12345::', 6],
      ['g::1', 6],
    ];
    for (const [ip, type] of bad) {
      expect(axonIpToU128(ip, type), ip).toBeNull();
      expect(() => ipToBigInt(ip, type), ip).toThrow(expect.objectContaining({ code: 'SK_CHAIN_BAD_INPUT' }));
    }
  });
});
