// the SDK's u128 -> text rule (RFC 5952 IPv6) lives in protocol/ip.ts: pure text rules, no I/O
import { ipFromInt } from '../../protocol/ip.js';

/**
 * An axon's IP text as the u128 subtensor stores in `AxonInfo.ip`, or null when it is not an
 * address of that type. Strict: dotted-quad IPv4; IPv6 with `::` standing for at least one group.
 */
export function axonIpToU128(ip: string, ipType: 4 | 6): bigint | null {
  if (ipType === 4) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (!m) return null;
    let v = 0n;
    for (let i = 1; i <= 4; i++) {
      const o = Number(m[i]);
      if (o > 255) return null;
      v = (v << 8n) | BigInt(o);
    }
    return v;
  }
  if (!/^[0-9a-fA-F:]+$/.test(ip) || ip.split('::').length > 2) return null;
  const [head, tail] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (tail === null && h.length !== 8) return null;
  if (h.length + t.length > (tail === null ? 8 : 7)) return null;
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return v;
}

/** The u128 of `AxonInfo.ip` back to text; IPv6 in the SDK's RFC 5952 form (`2001:db8::1`). */
export function axonIpFromU128(value: bigint, ipType: number): string {
  if (ipType === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  }
  return ipFromInt(value & ((1n << 128n) - 1n));
}
