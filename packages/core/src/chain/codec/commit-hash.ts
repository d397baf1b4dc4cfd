import { blake2AsU8a } from '@polkadot/util-crypto';

// SCALE compact length prefix (only the 1-, 2- and 4-byte modes: weight vectors are short)
function compactLen(n: number): number[] {
  if (n < 64) return [n << 2];
  if (n < 1 << 14) return [((n << 2) | 1) & 0xff, (n >> 6) & 0xff];
  return [((n << 2) | 2) & 0xff, (n >> 6) & 0xff, (n >> 14) & 0xff, (n >> 22) & 0xff];
}

function vecU16(values: number[]): number[] {
  const out = compactLen(values.length);
  for (const v of values) out.push(v & 0xff, (v >> 8) & 0xff);
  return out;
}

/**
 * Commit-reveal v2 hash: blake2_256(SCALE(AccountId32, netuid u16, uids Vec<u16>, values Vec<u16>,
 * salt Vec<u16>, version_key u64)), as subtensor's get_commit_hash and the SDK compute it.
 */
export function weightCommitHash(
  publicKey: Uint8Array,
  netuid: number,
  uids: number[],
  values: number[],
  salt: number[],
  versionKey: bigint,
): string {
  const bytes: number[] = [...publicKey, netuid & 0xff, (netuid >> 8) & 0xff, ...vecU16(uids), ...vecU16(values)];
  bytes.push(...vecU16(salt));
  let vk = BigInt.asUintN(64, versionKey);
  for (let i = 0; i < 8; i++) {
    bytes.push(Number(vk & 0xffn));
    vk >>= 8n;
  }
  return `0x${Buffer.from(blake2AsU8a(new Uint8Array(bytes), 256)).toString('hex')}`;
}
