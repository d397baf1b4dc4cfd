import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { AES_GCM_SUITE, parseCiphertext, serializeCiphertext } from './ciphertext.js';
import { bls, FR_ORDER } from './curve.js';
import { toRound } from './identity.js';
import { bytesOf, type G2, g2FromBytes, gtToArkBytes } from './points.js';
import { beaconKey, beaconSignature, gtPow, roundPairing } from './round-pairing.js';

const R_ORDER = FR_ORDER;

/**
 * Randomness of one encryption. Production draws all three from the OS; tests inject them to
 * pin the bytes (the Rust code draws `esk`, then `t`, then the nonce from one RNG).
 */
export interface TleRandomness {
  /** The AES-256 key that IBE protects, 32 bytes. */
  esk: Uint8Array;
  /** The scalar whose hash is sigma, in [1, r). */
  t: bigint;
  /** AES-GCM nonce, 12 bytes. */
  nonce: Uint8Array;
}

function xor32(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

/** Little-endian 32-byte encoding of a scalar (ark's Fr serialization). */
function le32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = x;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** tle's H3: SHA-256(sigma ‖ msg) read big-endian, mod r (no domain tag, no rejection sampling). */
function h3(sigma: Uint8Array, msg: Uint8Array): bigint {
  const d = sha256(Buffer.concat([sigma, msg]));
  return BigInt(`0x${Buffer.from(d).toString('hex')}`) % R_ORDER;
}

function randomScalar(): bigint {
  // 64 bytes mod r: bias below 2^-256
  for (;;) {
    const x = BigInt(`0x${randomBytes(64).toString('hex')}`) % R_ORDER;
    if (x !== 0n) return x;
  }
}

/**
 * Encrypts `plaintext` to drand round `round` under the beacon key `publicKey` (G2, 96 bytes
 * compressed), producing the bytes subtensor's reveal decrypts: tle@5416406 Boneh–Franklin
 * FullIdent over BLS12-381 wrapping a random AES-256-GCM key (docs/timelock.md §3, §7).
 */
export function timelockEncrypt(
  plaintext: Uint8Array,
  round: number | bigint,
  publicKey: Uint8Array | string,
  randomness?: Partial<TleRandomness>,
): Uint8Array {
  const pk = beaconKey(bytesOf(publicKey, 'public key'));
  const esk = randomness?.esk ?? Uint8Array.from(randomBytes(32));
  const t = randomness?.t ?? randomScalar();
  const nonce = randomness?.nonce ?? Uint8Array.from(randomBytes(12));
  if (esk.length !== 32) throw new SubnetkitError('SK_TIMELOCK_BAD_INPUT', 'esk must be 32 bytes', {});
  if (nonce.length !== 12) throw new SubnetkitError('SK_TIMELOCK_BAD_INPUT', 'the nonce must be 12 bytes', {});
  if (t <= 0n || t >= R_ORDER) throw new SubnetkitError('SK_TIMELOCK_BAD_INPUT', 't must be in [1, r)', {});
  const id = toRound(round);
  const sigma = sha256(le32(t));
  const r = h3(sigma, esk);
  // r = 0 needs SHA-256 to hit a multiple of r: not reachable in practice, but never emit U = 0
  if (r === 0n) throw new SubnetkitError('SK_INTERNAL', 'timelock: degenerate scalar, retry', {});
  const u = bls().G2.ProjectivePoint.BASE.multiply(r);
  // e(Q, r·pk) as e(Q, pk)^r: the pairing is shared by every commit to this round (round-pairing.ts)
  const g = gtPow(roundPairing(id, pk), r);
  const v = xor32(sigma, sha256(gtToArkBytes(g)));
  const w = xor32(esk, sha256(sigma));
  const cipher = createCipheriv('aes-256-gcm', esk, nonce);
  const aesOutput = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return serializeCiphertext({
    u: u.toRawBytes(true),
    v,
    w,
    aesOutput: Uint8Array.from(aesOutput),
    nonce,
    cipherSuite: AES_GCM_SUITE,
  });
}

/**
 * Opens a timelock ciphertext with the beacon's signature of its round (G1, 48 bytes
 * compressed), as tle's `tld`: recover sigma and the AES key, re-derive U to authenticate them,
 * then AES-GCM open. Throws SK_TIMELOCK_BAD_CIPHERTEXT for malformed bytes and
 * SK_TIMELOCK_DECRYPT_FAILED when the signature does not fit or the AES tag fails.
 */
export function timelockDecrypt(ciphertext: Uint8Array | string, signature: Uint8Array | string): Uint8Array {
  const ct = parseCiphertext(bytesOf(ciphertext, 'ciphertext'));
  let u: G2;
  try {
    u = g2FromBytes(ct.u, 'U');
  } catch (err) {
    throw new SubnetkitError(
      'SK_TIMELOCK_BAD_CIPHERTEXT',
      'timelock ciphertext: U is not a valid G2 point',
      {},
      {
        cause: err,
      },
    );
  }
  const sig = beaconSignature(stripAsciiHexPrefix(bytesOf(signature, 'signature')));
  const sigma = xor32(ct.v, sha256(gtToArkBytes(bls().pairing(sig, u))));
  const esk = xor32(ct.w, sha256(sigma));
  const r = h3(sigma, esk);
  if (r === 0n || !bls().G2.ProjectivePoint.BASE.multiply(r).equals(u)) {
    throw new SubnetkitError('SK_TIMELOCK_DECRYPT_FAILED', 'the signature does not open this ciphertext', {});
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', esk, ct.nonce);
    const tagAt = ct.aesOutput.length - 16;
    decipher.setAuthTag(ct.aesOutput.subarray(tagAt));
    return Uint8Array.from(Buffer.concat([decipher.update(ct.aesOutput.subarray(0, tagAt)), decipher.final()]));
  } catch (err) {
    throw new SubnetkitError(
      'SK_TIMELOCK_DECRYPT_FAILED',
      'the AES-GCM payload does not authenticate',
      {},
      {
        cause: err,
      },
    );
  }
}

/** The chain strips an ASCII "0x" in front of stored pulse signatures (reveal_commits.rs). */
function stripAsciiHexPrefix(sig: Uint8Array): Uint8Array {
  return sig.length === 50 && sig[0] === 0x30 && sig[1] === 0x78 ? sig.subarray(2) : sig;
}
