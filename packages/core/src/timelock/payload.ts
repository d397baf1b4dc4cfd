import { compactFromU8a, compactToU8a } from '@polkadot/util';
import { SubnetkitError } from '../errors/subnetkit-error.js';

/**
 * `WeightsTlockPayload { hotkey: Vec<u8>, uids: Vec<u16>, values: Vec<u16>, version_key: u64 }`,
 * SCALE-encoded: what subtensor's reveal decodes from a decrypted timelocked commit
 * (reveal_commits.rs; bittensor-drand src/drand.rs). `hotkey` is the signer's 32-byte account id.
 */
export interface WeightsTlockPayload {
  hotkey: Uint8Array;
  uids: number[];
  values: number[];
  versionKey: bigint;
}

function u16Vec(xs: readonly number[], what: string): Uint8Array {
  const out = new Uint8Array(xs.length * 2);
  const dv = new DataView(out.buffer);
  xs.forEach((x, i) => {
    if (!Number.isInteger(x) || x < 0 || x > 65535) throw bad(`${what}[${i}] = ${x} is not a u16`);
    dv.setUint16(i * 2, x, true);
  });
  return Buffer.concat([compactToU8a(xs.length), out]);
}

export function encodeWeightsPayload(p: WeightsTlockPayload): Uint8Array {
  if (p.versionKey < 0n || p.versionKey > 0xffff_ffff_ffff_ffffn) throw bad('versionKey is not a u64');
  const vk = new Uint8Array(8);
  new DataView(vk.buffer).setBigUint64(0, p.versionKey, true);
  return Uint8Array.from(
    Buffer.concat([compactToU8a(p.hotkey.length), p.hotkey, u16Vec(p.uids, 'uids'), u16Vec(p.values, 'values'), vk]),
  );
}

/** Decodes the payload; throws SK_TIMELOCK_BAD_INPUT when the bytes are not one (the chain drops such commits). */
export function decodeWeightsPayload(bytes: Uint8Array): WeightsTlockPayload {
  const r = scaleReader(bytes);
  const hotkey = r.take(r.compact()).slice();
  return { hotkey, ...r.weights() };
}

/**
 * The v3 payload without `hotkey` (`LegacyWeightsTlockPayload`), which the chain still accepts
 * when the current one does not decode, applying it as the committer's weights. Never emitted.
 */
export function decodeLegacyWeightsPayload(bytes: Uint8Array): Omit<WeightsTlockPayload, 'hotkey'> {
  return scaleReader(bytes).weights();
}

function scaleReader(bytes: Uint8Array) {
  let off = 0;
  const compact = (): number => {
    if (off >= bytes.length) throw bad('truncated');
    const [len, value] = compactFromU8a(bytes.subarray(off));
    off += len;
    if (value.gtn(bytes.length)) throw bad('a length exceeds the payload');
    return value.toNumber();
  };
  const take = (n: number): Uint8Array => {
    if (off + n > bytes.length) throw bad('truncated');
    const out = bytes.subarray(off, off + n);
    off += n;
    return out;
  };
  const u16s = (): number[] => {
    const n = compact();
    const raw = take(n * 2);
    const dv = new DataView(raw.slice().buffer);
    return Array.from({ length: n }, (_, i) => dv.getUint16(i * 2, true));
  };
  const weights = (): Omit<WeightsTlockPayload, 'hotkey'> => {
    const uids = u16s();
    const values = u16s();
    const versionKey = new DataView(take(8).slice().buffer).getBigUint64(0, true);
    return { uids, values, versionKey };
  };
  return { compact, take, weights };
}

function bad(message: string): SubnetkitError {
  return new SubnetkitError('SK_TIMELOCK_BAD_INPUT', `weights payload: ${message}`, {});
}
