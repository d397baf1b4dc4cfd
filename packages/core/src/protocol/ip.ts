/**
 * IP addresses the way the SDK shows them (`bittensor/utils/networking.py`, netaddr): the chain's
 * u128 rendered as text, the reverse, `AxonInfo.ip_str`, `is_serving` and the dendrite's URL rule.
 * IPv6 text is RFC 5952 canonical (`2001:db8::1`, IPv4-mapped as `::ffff:1.2.3.4`); parsing accepts
 * any valid form (full, compressed, embedded IPv4).
 */
import ipaddr from 'ipaddr.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';

const U32 = 1n << 32n;
const U128 = 1n << 128n;

function badIp(message: string, details: Record<string, unknown> = {}): SubnetkitError {
  return new SubnetkitError('SK_PROTOCOL_BAD_IP', message, details);
}

/** Parses strict dotted-quad IPv4 or any valid IPv6 text (no zone id); undefined when neither. */
function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const s = ip.trim();
  // ipaddr's lenient IPv4 forms (`1.2.3`, `0x7f.1`, `01.2.3.4`) are not addresses the chain or SDK write
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (!s.includes('%') && ipaddr.IPv6.isValid(s)) return ipaddr.IPv6.parse(s);
  return undefined;
}

function render(a: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (a.kind() === 'ipv4') return a.toString();
  const v6 = a as ipaddr.IPv6;
  // RFC 5952 §5 (and netaddr): IPv4-mapped addresses keep the dotted quad
  if (v6.isIPv4MappedAddress()) return `::ffff:${v6.toIPv4Address().toString()}`;
  return v6.toRFC5952String();
}

/** True when `ip` is dotted-quad IPv4 or valid IPv6 text. */
export function isIpAddress(ip: string): boolean {
  return parse(ip) !== undefined;
}

/**
 * Canonical text of an address given in any valid form: dotted-quad IPv4, RFC 5952 IPv6
 * (`2001:0db8:0:0:0:0:0:1` → `2001:db8::1`). Use it wherever addresses are shown or compared.
 * Throws `SK_PROTOCOL_BAD_IP` on anything else.
 */
export function canonicalIp(ip: string): string {
  const a = parse(ip);
  if (!a) throw badIp(`'${ip.slice(0, 64)}' is not an IP address`);
  return render(a);
}

/** {@link canonicalIp} when `ip` parses, else `ip` unchanged (host names, placeholders). */
export function displayIp(ip: string): string {
  const a = parse(ip);
  return a ? render(a) : ip;
}

/** IP version of an address text: 4 or 6. Throws `SK_PROTOCOL_BAD_IP` when it is neither. */
export function ipVersion(ip: string): 4 | 6 {
  const a = parse(ip);
  if (!a) throw badIp(`'${ip.slice(0, 64)}' is not an IP address`);
  return a.kind() === 'ipv4' ? 4 : 6;
}

/**
 * SDK `int_to_ip`: the chain's u128 as text. The chain's `ip_type` is not used: values below 2^32
 * always render as IPv4 (`0` → `0.0.0.0`), larger ones as RFC 5952 IPv6 (`4294967296` → `::1:0:0`).
 */
export function ipFromInt(value: bigint | number | string): string {
  let v: bigint;
  try {
    v = BigInt(value);
  } catch {
    throw badIp(`'${String(value).slice(0, 64)}' is not an integer IP`);
  }
  if (v < 0n || v >= U128) throw badIp(`${v} is outside the u128 range of an IP`);
  if (v < U32) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const bytes = new Array<number>(16);
  for (let i = 15, x = v; i >= 0; i--, x >>= 8n) bytes[i] = Number(x & 0xffn);
  return render(ipaddr.fromByteArray(bytes));
}

/** SDK `ip_to_int`: the integer `serve_axon` sends for an address in any valid text form. */
export function ipToInt(ip: string): bigint {
  const a = parse(ip);
  if (!a) throw badIp(`'${ip.slice(0, 64)}' is not an IP address`);
  let v = 0n;
  for (const b of a.toByteArray()) v = (v << 8n) | BigInt(b);
  return v;
}

/** SDK `AxonInfo.ip_str()`: `/ipv<ip_type>/<ip>:<port>`, IPv6 without brackets, shown canonically. */
export function axonIpStr(axon: { readonly ipType: number; readonly ip: string; readonly port: number }): string {
  return `/ipv${axon.ipType}/${displayIp(axon.ip)}:${axon.port}`;
}

/** SDK `AxonInfo.is_serving`: false only for the literal address `0.0.0.0`. */
export function isServing(ip: string): boolean {
  return ip !== '0.0.0.0';
}

/** Options of {@link dendriteUrl}. */
export interface DendriteUrlOptions {
  /** The dendrite's own external IP: an axon announcing it is dialled at `0.0.0.0` (SDK rule). */
  readonly externalIp?: string;
  /**
   * Bracket IPv6 hosts (`http://[2001:db8::1]:8091/…`). The SDK does not, which makes its URL for an
   * IPv6 axon invalid (`protocol.md` §16.10); Subnetkit's dendrite brackets. Default false (SDK).
   */
  readonly bracketIpv6?: boolean;
}

/**
 * The SDK dendrite's URL rule: `http://<axon ip>:<port>/<synapse>`, plain HTTP, host `0.0.0.0` when
 * the axon's IP is the dendrite's own external IP (compared canonically), IPv6 unbracketed unless
 * `bracketIpv6`.
 */
export function dendriteUrl(
  axon: { readonly ip: string; readonly port: number },
  synapseName: string,
  options: DendriteUrlOptions = {},
): string {
  const ip = displayIp(axon.ip);
  const own = options.externalIp !== undefined && ip === displayIp(options.externalIp);
  const host = own ? '0.0.0.0' : ip;
  const bracket = options.bracketIpv6 === true && host.includes(':') && !host.startsWith('[');
  return `http://${bracket ? `[${host}]` : host}:${axon.port}/${synapseName}`;
}
