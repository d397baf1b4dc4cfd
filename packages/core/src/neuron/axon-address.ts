/**
 * What an axon announces and what a caller dials. The chain refuses 127.0.0.1 as an axon
 * address, so a miner bound to it announces 0.0.0.0, which callers read as "same host" (as the
 * SDK's dendrite does for its own address). Shared by the miner and the validator.
 */

/** The address to announce for an axon bound to `ip`. */
export function announceableIp(ip: string): string {
  return ip === '127.0.0.1' || ip === 'localhost' ? '0.0.0.0' : ip;
}

/** The address to dial for an announced axon: 0.0.0.0 means the announcing miner's own host. */
export function dialableIp(announced: string): string {
  return announced === '0.0.0.0' ? '127.0.0.1' : announced;
}
