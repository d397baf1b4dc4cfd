import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { codeOf } from '../errors/code-of.test-helper.js';
import { LocalBeacon, latestRound, verifyBeaconSignature } from './beacon.js';
import { RustChaCha20Rng } from './chacha-rng.test-helper.js';
import { parseCiphertext } from './ciphertext.js';
import vectors from './fixtures/vectors.json' with { type: 'json' };
import { identityPoint, roundMessage } from './identity.js';
import { decodeWeightsPayload, encodeWeightsPayload } from './payload.js';
import { QUICKNET } from './quicknet.js';
import { sdkFirstRevealBlock, sdkRevealRound } from './reveal-round.js';
import { timelockDecrypt, timelockEncrypt } from './tle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const [V1, V2] = vectors.pulses as unknown as [
  { round: number; signature: string; randomness: string },
  { round: number; signature: string },
];

describe('quicknet vectors (published)', () => {
  test('the constants match the published quicknet info', () => {
    expect(QUICKNET.publicKey).toBe(vectors.quicknet.publicKey);
    expect(QUICKNET.genesisTime).toBe(vectors.quicknet.genesisTime);
    expect(QUICKNET.period).toBe(vectors.quicknet.period);
    expect(QUICKNET.chainHash).toBe(vectors.quicknet.chainHash);
    expect(QUICKNET.scheme).toBe(vectors.quicknet.schemeID);
  });

  test('identity of a round: SHA-256(u64be) then hash-to-G1 with the quicknet DST', () => {
    expect(hex(roundMessage(1000))).toBe(vectors.derived.roundMessage1000);
    expect(hex(identityPoint(1000).toRawBytes(true))).toBe(vectors.derived.identity1000);
  });

  test('real quicknet signatures of rounds 1000 and 2000 verify against quicknet’s key; a wrong one does not', () => {
    expect(verifyBeaconSignature(QUICKNET.publicKey, V1.round, V1.signature)).toBe(true);
    expect(verifyBeaconSignature(QUICKNET.publicKey, V2.round, V2.signature)).toBe(true);
    expect(verifyBeaconSignature(QUICKNET.publicKey, V2.round, V1.signature)).toBe(false);
    expect(verifyBeaconSignature(QUICKNET.publicKey, vectors.invalidPulse.round, vectors.invalidPulse.signature)).toBe(
      false,
    );
  });

  test('pulse randomness is SHA-256 of the signature', () => {
    expect(sha(unhex(V1.signature))).toBe(V1.randomness);
    expect(sha(unhex(V2.signature))).toBe(vectors.derived.randomness2000);
  });
});

describe('timelock encryption (tle@5416406 layout)', () => {
  const plaintext = Uint8Array.from(Buffer.from('this is a test'));
  const fixed = { esk: new Uint8Array(32).fill(2), t: 123456789n, nonce: new Uint8Array(12).fill(7) };

  test('TS encrypt to round 1000 under quicknet’s key opens with drand’s real round-1000 signature, not round 2000’s', () => {
    const ct = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey);
    expect(Buffer.from(timelockDecrypt(ct, V1.signature)).toString()).toBe('this is a test');
    expect(codeOf(() => timelockDecrypt(ct, V2.signature))).toBe('SK_TIMELOCK_DECRYPT_FAILED');
  });

  test('wire layout: U, u64-LE length prefixes, AES output with tag, 12-byte nonce, "AES_GCM_"; L + 244 bytes', () => {
    const ct = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, fixed);
    const L = plaintext.length;
    expect(ct.length).toBe(L + 244);
    const u64 = (off: number) => Number(Buffer.from(ct).readBigUInt64LE(off));
    expect(ct[0]! & 0x80).toBe(0x80); // compressed flag
    expect(u64(96)).toBe(32);
    expect(u64(136)).toBe(32);
    expect(u64(176)).toBe(L + 44);
    expect(u64(184)).toBe(L + 16);
    expect(u64(208 + L)).toBe(12);
    expect(hex(ct.subarray(216 + L, 228 + L))).toBe('07'.repeat(12));
    expect(u64(228 + L)).toBe(8);
    expect(Buffer.from(ct.subarray(236 + L)).toString('ascii')).toBe('AES_GCM_');
    // W = esk XOR SHA-256(sigma), sigma = SHA-256(LE32(t))
    const t = Buffer.alloc(32);
    t.writeBigUInt64LE(123456789n, 0);
    const sigma = createHash('sha256').update(t).digest();
    const mask = createHash('sha256').update(sigma).digest();
    expect(hex(ct.subarray(144, 176))).toBe(hex(Uint8Array.from(mask, (m) => m ^ 2)));
    // injected randomness pins the bytes (regression guard for the whole pipeline, self-generated)
    expect(hex(timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, fixed))).toBe(hex(ct));
    expect(sha(ct)).toMatchInlineSnapshot(`"94555e7d5eccbdd695da4697d4a38cd70dcd938564ea4cddd125a946e46a484d"`);
    expect(Buffer.from(timelockDecrypt(ct, V1.signature)).toString()).toBe('this is a test');
  });

  test('replays tle’s fixed-seed recipe (esk [2;32], ChaCha20Rng seed 0, round 1000) and opens it with drand’s signature', () => {
    const rng = new RustChaCha20Rng(0n);
    const t = rng.frRand();
    const nonce = rng.fillBytes(12);
    const v5 = vectors.derived.v5Replay;
    expect(t.toString(16).padStart(64, '0')).toBe(v5.t);
    expect(hex(nonce)).toBe(v5.nonce);
    const ct = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, { esk: new Uint8Array(32).fill(2), t, nonce });
    expect(hex(ct)).toBe(v5.ciphertext);
    expect(Buffer.from(timelockDecrypt(ct, V1.signature)).toString()).toBe('this is a test');
  });

  test('tampered or malformed ciphertexts fail with a coded error', () => {
    const ct = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, fixed);
    const flip = (i: number) => {
      const c = ct.slice();
      c[i]! ^= 1;
      return c;
    };
    expect(codeOf(() => timelockDecrypt(flip(110), V1.signature))).toBe('SK_TIMELOCK_DECRYPT_FAILED'); // V
    expect(codeOf(() => timelockDecrypt(flip(150), V1.signature))).toBe('SK_TIMELOCK_DECRYPT_FAILED'); // W
    expect(codeOf(() => timelockDecrypt(flip(195), V1.signature))).toBe('SK_TIMELOCK_DECRYPT_FAILED'); // AES body
    expect(codeOf(() => timelockDecrypt(ct.subarray(0, 200), V1.signature))).toBe('SK_TIMELOCK_BAD_CIPHERTEXT');
    const uncompressed = ct.slice();
    uncompressed[0]! &= 0x7f;
    expect(codeOf(() => timelockDecrypt(uncompressed, V1.signature))).toBe('SK_TIMELOCK_BAD_CIPHERTEXT');
    expect(codeOf(() => timelockDecrypt(ct, 'b0a8'))).toBe('SK_TIMELOCK_BAD_INPUT');
    expect(codeOf(() => timelockEncrypt(plaintext, -1, QUICKNET.publicKey))).toBe('SK_TIMELOCK_BAD_INPUT');
  });

  test('parses the finney commit_timelocked_mechanism_weights call data', () => {
    const call = unhex(vectors.onchainCommit.callData);
    expect([call[0], call[1]]).toEqual([7, 118]);
    expect(Buffer.from(call).readUInt16LE(2)).toBe(7); // netuid
    expect(call[4]).toBe(0); // mecid
    expect(Buffer.from(call).readUInt16LE(5) >> 2).toBe(303); // compact length (2-byte mode)
    const commit = call.subarray(7, 7 + 303);
    const ct = parseCiphertext(commit);
    expect(ct.v.length).toBe(32);
    expect(ct.w.length).toBe(32);
    expect(ct.aesOutput.length).toBe(75); // 59-byte payload: 33 hotkey + 2·(1 + 4·2) + 8
    expect(ct.nonce.length).toBe(12);
    expect(Buffer.from(ct.cipherSuite).toString('ascii')).toBe('AES_GCM_');
    const tail = Buffer.from(call.subarray(7 + 303));
    expect(Number(tail.readBigUInt64LE(0))).toBe(vectors.onchainCommit.revealRound);
    expect(tail.readUInt16LE(8)).toBe(4);
    // well-formed for our reader (U is a valid G2 point); only round 32340463's signature would open it
    expect(codeOf(() => timelockDecrypt(commit, V1.signature))).toBe('SK_TIMELOCK_DECRYPT_FAILED');
  });
});

describe('weights payload (SCALE)', () => {
  test('encodes the documented example and decodes it back', () => {
    const ex = vectors.derived.payloadExample;
    const p = { hotkey: unhex(ex.hotkey), uids: ex.uids, values: ex.values, versionKey: BigInt(ex.versionKey) };
    const bytes = encodeWeightsPayload(p);
    expect(hex(bytes)).toBe(ex.scale);
    expect(decodeWeightsPayload(bytes)).toEqual(p);
    expect(codeOf(() => decodeWeightsPayload(bytes.subarray(0, 40)))).toBe('SK_TIMELOCK_BAD_INPUT');
  });

  test('a payload timelocked to round 2000 opens with drand’s round-2000 signature and decodes', () => {
    const p = { hotkey: new Uint8Array(32).fill(9), uids: [0, 3, 5], values: [65535, 100, 7], versionKey: 3n };
    const ct = timelockEncrypt(encodeWeightsPayload(p), 2000, QUICKNET.publicKey);
    expect(decodeWeightsPayload(timelockDecrypt(ct, V2.signature))).toEqual(p);
  });
});

describe('local beacon', () => {
  const beacon = new LocalBeacon(Uint8Array.from(Buffer.from('test-chain')));

  test('signs rounds that verify against its key, and opens what was encrypted to it', () => {
    const sig = beacon.sign(42);
    expect(verifyBeaconSignature(beacon.publicKey, 42, sig)).toBe(true);
    expect(verifyBeaconSignature(beacon.publicKey, 43, sig)).toBe(false);
    expect(verifyBeaconSignature(QUICKNET.publicKey, 42, sig)).toBe(false);
    const ct = timelockEncrypt(Uint8Array.of(1, 2, 3), 42, beacon.publicKey);
    expect([...timelockDecrypt(ct, sig)]).toEqual([1, 2, 3]);
    expect(codeOf(() => timelockDecrypt(ct, beacon.sign(43)))).toBe('SK_TIMELOCK_DECRYPT_FAILED');
    expect(JSON.stringify(beacon)).not.toMatch(/sk|secret/i);
  });

  test('rounds follow drand numbering: round n at genesis + (n−1)·period', () => {
    expect(latestRound(99, 100, 3)).toBe(0);
    expect(latestRound(100, 100, 3)).toBe(1);
    expect(latestRound(102.9, 100, 3)).toBe(1);
    expect(latestRound(103, 100, 3)).toBe(2);
  });
});

describe('reveal round (bittensor-drand generate_commit)', () => {
  test('matches a hand computation', () => {
    // epoch floor((1000+1+1)/361) = 2 → reveal epoch 3 → first block 3·361 − 2 = 1081, target 1084
    const input = {
      currentBlock: 1000,
      netuid: 1,
      tempo: 360,
      revealPeriod: 1,
      blockTime: 12,
      now: QUICKNET.genesisTime + 3000,
      genesisTime: QUICKNET.genesisTime,
      period: 3,
    };
    expect(sdkFirstRevealBlock(input)).toBe(1081);
    // (3000 + 84·12) / 3 = 1336
    expect(sdkRevealRound(input)).toBe(1336);
    expect(sdkRevealRound({ ...input, now: 0 })).toBe(1);
  });
});
