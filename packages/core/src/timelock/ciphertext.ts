import { SubnetkitError } from '../errors/subnetkit-error.js';

/**
 * tle@5416406's `TLECiphertext` as ark-serialize 0.4 `serialize_compressed` writes it: fields in
 * declaration order, every Vec<u8> prefixed by its length as u64 little-endian, no tags.
 *
 *   U (96, compressed G2) · len+V (32) · len+W (32) · len+body · len+suite
 *   body = len+AES output (ciphertext ‖ 16-byte tag) · len+nonce (12)
 */
export interface TleCiphertext {
  /** r·G2, 96 bytes compressed. */
  u: Uint8Array;
  /** sigma XOR H2(e(Q_id, r·pk)), 32 bytes. */
  v: Uint8Array;
  /** esk XOR SHA-256(sigma), 32 bytes. */
  w: Uint8Array;
  /** AES-256-GCM ciphertext followed by its 16-byte tag. */
  aesOutput: Uint8Array;
  /** 12 bytes. */
  nonce: Uint8Array;
  /** "AES_GCM_"; decryption does not check it (as tle). */
  cipherSuite: Uint8Array;
}

export const AES_GCM_SUITE = Uint8Array.from(Buffer.from('AES_GCM_', 'ascii'));

function lenPrefix(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function withLen(bytes: Uint8Array): Uint8Array[] {
  return [lenPrefix(bytes.length), bytes];
}

/** Writes the wire bytes (the `commit` argument of commit_timelocked_weights). */
export function serializeCiphertext(ct: TleCiphertext): Uint8Array {
  const body = Buffer.concat([...withLen(ct.aesOutput), ...withLen(ct.nonce)]);
  return Uint8Array.from(
    Buffer.concat([ct.u, ...withLen(ct.v), ...withLen(ct.w), ...withLen(body), ...withLen(ct.cipherSuite)]),
  );
}

/**
 * Reads the wire bytes. Strict where the chain's decryption would fail or panic (V and W must be
 * exactly 32 bytes, the nonce 12); trailing bytes are ignored, as the chain ignores them.
 */
export function parseCiphertext(bytes: Uint8Array): TleCiphertext {
  if (bytes.length < 96) throw bad(`U needs 96 bytes, the ciphertext has ${bytes.length}`);
  const u = bytes.subarray(0, 96);
  const rest = reader(bytes.subarray(96));
  const v = rest.vec('V');
  const w = rest.vec('W');
  if (v.length !== 32 || w.length !== 32) throw bad('V and W must be 32 bytes each');
  const body = reader(rest.vec('body'));
  const cipherSuite = rest.vec('cipher suite');
  const aesOutput = body.vec('AES output');
  const nonce = body.vec('nonce');
  if (nonce.length !== 12) throw bad(`the AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
  if (aesOutput.length < 16) throw bad('the AES-GCM output is shorter than its tag');
  return {
    u: u.slice(),
    v: v.slice(),
    w: w.slice(),
    aesOutput: aesOutput.slice(),
    nonce: nonce.slice(),
    cipherSuite: cipherSuite.slice(),
  };
}

/** Reads u64-LE-length-prefixed byte vectors one after another. */
function reader(bytes: Uint8Array): { vec(what: string): Uint8Array } {
  let off = 0;
  return {
    vec(what) {
      if (off + 8 > bytes.length) throw bad(`${what} length runs past the end`);
      const len = new DataView(bytes.slice(off, off + 8).buffer).getBigUint64(0, true);
      off += 8;
      if (len > BigInt(bytes.length - off)) throw bad(`${what} (${len} bytes) runs past the end`);
      const out = bytes.subarray(off, off + Number(len));
      off += Number(len);
      return out;
    },
  };
}

function bad(message: string): SubnetkitError {
  return new SubnetkitError('SK_TIMELOCK_BAD_CIPHERTEXT', `timelock ciphertext: ${message}`, {});
}
