import { randomBytes } from 'node:crypto';
import { invert, mod } from '@noble/curves/abstract/modular';
import { RistrettoPoint } from '@noble/curves/ed25519';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keypair } from '../../wallet/keypair.js';
import { initCrypto } from '../init.js';
import { sr25519Verify, sr25519VerifyGeneral } from '../sr25519.js';
import { L, leToBigint } from './scalar.js';
import {
  fromLimbs,
  INVSQRT_A_MINUS_D,
  KeyTableVerifier,
  keyTables,
  RistrettoModule,
  SQRT_M1,
  toLimbs,
  useKeyTables,
} from './verifier.js';
import { LAYOUT, TABLE_BYTES, TABLES_AT } from './wasm.js';

const P = (1n << 255n) - 19n;
const wa = (globalThis as unknown as { WebAssembly: unknown }).WebAssembly as ConstructorParameters<
  typeof RistrettoModule
>[0];
/** Scratch field elements for the tests, past the module's own scratch and below the tables. */
const [FA, FB, FH] = [12_000, 12_080, 12_160];

const bigintBelow = (max: bigint) =>
  fc.uint8Array({ minLength: 40, maxLength: 40 }).map((b) => leToBigint(Uint8Array.from([...b])) % max);
const scalarBytes = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};

/** The extended coordinates of a noble ristretto point (its `ep`, typed protected there). */
const extended = (p: InstanceType<typeof RistrettoPoint>) =>
  (p as unknown as { ep: { X: bigint; Y: bigint; Z: bigint; T: bigint } }).ep;

beforeAll(() => initCrypto());

describe('ristretto field arithmetic (generated wasm)', () => {
  const m = new RistrettoModule(wa);

  it('has the RFC 9496 constants: √−1 squared is −1, and 1/√(a − d) squared times (a − d) is 1', () => {
    expect((SQRT_M1 * SQRT_M1) % P).toBe(P - 1n);
    const d = mod(-121665n * invert(121666n, P), P);
    expect((((INVSQRT_A_MINUS_D * INVSQRT_A_MINUS_D) % P) * ((P - 1n - d + P) % P)) % P).toBe(1n);
  });

  it('multiplies, squares and reduces to canonical limbs as BigInt arithmetic mod p does (property)', () => {
    const edge = fc.constantFrom(0n, 1n, 2n, 19n, P - 1n, P - 2n, P - 19n, (1n << 254n) - 1n, 1n << 128n);
    const fe = fc.oneof(bigintBelow(P), edge);
    fc.assert(
      fc.property(fe, fe, (a, b) => {
        m.writeFe(FA, a);
        m.writeFe(FB, b);
        m.fn.mul(FH, FA, FB);
        expect(m.readFe(FH)).toBe((a * b) % P);
        m.fn.sq(FH, FA);
        expect(m.readFe(FH)).toBe((a * a) % P);
        m.fn.mul(FH, FA, FB);
        m.fn.canon(FH, FH);
        const limbs = m.readLimbs(FH);
        // canonical: every limb in range and the value itself below p
        for (const [i, l] of limbs.entries()) expect(l >= 0n && l < 1n << (i % 2 === 0 ? 26n : 25n)).toBe(true);
        expect(fromLimbs(limbs)).toBe((a * b) % P);
        expect(limbs).toEqual(toLimbs((a * b) % P));
      }),
      { numRuns: 600 },
    );
  });

  it('takes signed, unreduced limbs as inputs (what sums and differences of products leave)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 27), max: 2 ** 27 }), { minLength: 10, maxLength: 10 }),
        fc.array(fc.integer({ min: -(2 ** 26), max: 2 ** 26 }), { minLength: 10, maxLength: 10 }),
        (fa, fb) => {
          const a = fa.map(BigInt);
          const b = fb.map(BigInt);
          m.writeLimbs(FA, a);
          m.writeLimbs(FB, b);
          m.fn.mul(FH, FA, FB);
          expect(m.readFe(FH)).toBe((fromLimbs(a) * fromLimbs(b)) % P);
          m.fn.canon(FH, FA);
          expect(m.readLimbs(FH)).toEqual(toLimbs(fromLimbs(a)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('encodes points as noble does, whatever their projective scale, and compares with 32 bytes', () => {
    fc.assert(
      fc.property(bigintBelow(L - 1n), bigintBelow(P - 1n), (k, lambda) => {
        const point = RistrettoPoint.BASE.multiply(k + 1n);
        const { X, Y, Z, T } = extended(point);
        const z = lambda + 1n;
        m.writePoint(LAYOUT.result, { X: (X * z) % P, Y: (Y * z) % P, Z: (Z * z) % P, T: (T * z) % P });
        const bytes = point.toBytes();
        m.bytes.set(bytes, LAYOUT.expected);
        expect(m.fn.encodeEq()).toBe(1);
        expect(m.bytes.slice(LAYOUT.encoded, LAYOUT.encoded + 32)).toEqual(bytes);
        bytes[0] = (bytes[0] as number) ^ 1;
        m.bytes.set(bytes, LAYOUT.expected);
        expect(m.fn.encodeEq()).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('computes a·A + b·B from two tables for any scalars below ℓ, zero and ℓ − 1 included (property)', () => {
    const mm = new RistrettoModule(wa);
    const baseAt = TABLES_AT;
    const keyAt = TABLES_AT + TABLE_BYTES;
    mm.ensure(keyAt + TABLE_BYTES);
    mm.writePoint(LAYOUT.source, extended(RistrettoPoint.BASE));
    mm.fn.build(LAYOUT.source, baseAt, 32);
    const scalar = fc.oneof(bigintBelow(L), fc.constantFrom(0n, 1n, 8n, L - 1n, (1n << 252n) - 1n));
    fc.assert(
      fc.property(bigintBelow(L - 1n), scalar, scalar, fc.boolean(), (key, a, b, negate) => {
        const A = RistrettoPoint.BASE.multiply(key + 1n);
        mm.writePoint(LAYOUT.source, extended(A));
        mm.fn.build(LAYOUT.source, keyAt, 32);
        mm.setDigits('A', scalarBytes(a), negate);
        mm.setDigits('B', scalarBytes(b), false);
        mm.fn.dsm(keyAt, baseAt);
        const aSigned = negate ? (L - a) % L : a;
        let want = RistrettoPoint.ZERO;
        if (aSigned !== 0n) want = want.add(A.multiply(aSigned));
        if (b !== 0n) want = want.add(RistrettoPoint.BASE.multiply(b));
        mm.bytes.set(want.toBytes(), LAYOUT.expected);
        expect(mm.fn.encodeEq()).toBe(1);
      }),
      { numRuns: 40 },
    );
  });

  it('decodes exactly the encodings noble accepts, to the same point (property)', () => {
    const mm = new RistrettoModule(wa);
    const valid = bigintBelow(L - 1n).map((k) => RistrettoPoint.BASE.multiply(k + 1n).toBytes());
    const edge = fc.constantFrom(
      new Uint8Array(32), // the identity
      Uint8Array.from(scalarBytes(P)), // p: not canonical
      Uint8Array.from(scalarBytes(P + 2n)),
      Uint8Array.from(scalarBytes(1n)), // negative (odd)
      new Uint8Array(32).fill(0xff),
    );
    fc.assert(
      fc.property(fc.oneof(valid, edge, fc.uint8Array({ minLength: 32, maxLength: 32 })), (bytes) => {
        let want: Uint8Array | undefined;
        try {
          want = RistrettoPoint.fromBytes(bytes).toBytes();
        } catch {
          want = undefined;
        }
        mm.bytes.set(bytes, LAYOUT.key);
        const ok = mm.fn.decode(LAYOUT.result);
        expect(ok).toBe(want ? 1 : 0);
        if (want) {
          mm.bytes.set(want, LAYOUT.expected);
          expect(mm.fn.encodeEq()).toBe(1);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('computes a·A + b·B from the 8-entry table of a decoded key and the full table of B (property)', () => {
    const mm = new RistrettoModule(wa);
    mm.ensure(TABLES_AT + TABLE_BYTES);
    mm.writePoint(LAYOUT.source, extended(RistrettoPoint.BASE));
    mm.fn.build(LAYOUT.source, TABLES_AT, 32);
    const scalar = fc.oneof(bigintBelow(L), fc.constantFrom(0n, 1n, 8n, L - 1n, (1n << 252n) - 1n));
    fc.assert(
      fc.property(bigintBelow(L - 1n), scalar, scalar, (key, a, b) => {
        const A = RistrettoPoint.BASE.multiply(key + 1n);
        mm.bytes.set(A.toBytes(), LAYOUT.key);
        expect(mm.fn.decode(LAYOUT.source)).toBe(1);
        mm.fn.build(LAYOUT.source, LAYOUT.small, 1);
        mm.setDigits('A', scalarBytes(a), true);
        mm.setDigits('B', scalarBytes(b), false);
        mm.fn.dsmVar(LAYOUT.small, TABLES_AT);
        let want = RistrettoPoint.ZERO;
        if (a !== 0n) want = want.add(A.multiply(L - a));
        if (b !== 0n) want = want.add(RistrettoPoint.BASE.multiply(b));
        mm.bytes.set(want.toBytes(), LAYOUT.expected);
        expect(mm.fn.encodeEq()).toBe(1);
      }),
      { numRuns: 40 },
    );
  });
});

describe('KeyTableVerifier', () => {
  let keys: Keypair[] = [];
  beforeAll(() => {
    keys = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((u) => Keypair.fromUri(u));
  });
  const fresh = (options?: ConstructorParameters<typeof KeyTableVerifier>[1]) =>
    new KeyTableVerifier(new RistrettoModule(wa), options);
  /** Verifies as `sr25519Verify` does, through the given verifier. */
  const check = (v: KeyTableVerifier, sig: Uint8Array, msg: Uint8Array, pk: Uint8Array) => {
    const fast = v.verify(sig, msg, pk);
    const ok = sr25519VerifyGeneral(sig, msg, pk);
    v.record(ok, fast);
    return { fast, ok };
  };

  it('gives a key a table after `promoteAfter` good signatures, bad ones not counted', () => {
    const v = fresh({ promoteAfter: 3 });
    const alice = keys[0]!;
    const msg = randomBytes(50);
    const sig = alice.sign(msg);
    const bad = Uint8Array.from(sig);
    bad[3] = (bad[3] as number) ^ 1;
    // before the table: the key is decoded and multiplied by per signature
    for (let i = 0; i < 5; i++) expect(check(v, bad, msg, alice.publicKey)).toEqual({ fast: false, ok: false });
    expect(v.hasTable(alice.publicKey)).toBe(false);
    expect(check(v, sig, msg, alice.publicKey)).toEqual({ fast: true, ok: true });
    expect(check(v, sig, msg, alice.publicKey)).toEqual({ fast: true, ok: true });
    expect(v.hasTable(alice.publicKey)).toBe(false);
    expect(check(v, sig, msg, alice.publicKey)).toEqual({ fast: true, ok: true });
    expect(v.hasTable(alice.publicKey)).toBe(true);
    expect(v.tables).toBe(1);
    expect(check(v, sig, msg, alice.publicKey)).toEqual({ fast: true, ok: true });
    expect(check(v, bad, msg, alice.publicKey)).toEqual({ fast: false, ok: false });
    expect(v.enabled).toBe(true);
  });

  it('agrees with the general verifier on good, tampered, foreign and wrapped signatures, with and without key tables (property)', () => {
    const v = fresh({ promoteAfter: 1 });
    for (const k of keys.slice(0, 2)) {
      const msg = Uint8Array.of(1);
      check(v, k.sign(msg), msg, k.publicKey);
    }
    expect(v.tables).toBe(2);
    const noTables = fresh({ promoteAfter: 1_000_000 });
    fc.assert(
      fc.property(
        fc.nat({ max: keys.length - 1 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('none', 'message', 'R', 's', 'key', 'wrapped'),
        fc.nat({ max: 1_000 }),
        (i, msg, tamper, at) => {
          const k = keys[i]!;
          let sig = k.sign(msg);
          let m = msg;
          let pk = k.publicKey;
          if (tamper === 'message')
            m = msg.length > 0 ? msg.map((b, j) => (j === at % msg.length ? b ^ 1 : b)) : Uint8Array.of(0);
          if (tamper === 'R') sig = sig.map((b, j) => (j === at % 32 ? b ^ (1 << (at % 8)) : b));
          if (tamper === 's') sig = sig.map((b, j) => (j === 32 + (at % 31) ? b ^ (1 << (at % 8)) : b));
          if (tamper === 'key') pk = keys[(i + 1) % keys.length]!.publicKey;
          if (tamper === 'wrapped') m = new TextEncoder().encode(`<Bytes>${Buffer.from(msg).toString('hex')}</Bytes>`);
          for (const verifier of [v, noTables]) {
            const { fast, ok } = check(verifier, sig, m, pk);
            expect(ok).toBe(tamper === 'none');
            // every plain-form signature by a valid key is decided here, table or not
            expect(fast).toBe(ok);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(v.enabled).toBe(true);
    expect(noTables.enabled).toBe(true);
    expect(noTables.tables).toBe(0);
  });

  it('leaves signatures without the schnorrkel marker or with a non-canonical s to the general verifier', () => {
    const v = fresh({ promoteAfter: 1 });
    const bob = keys[1]!;
    const msg = randomBytes(40);
    const sig = bob.sign(msg);
    check(v, sig, msg, bob.publicKey);
    expect(v.verify(sig, msg, bob.publicKey)).toBe(true);
    const unmarked = Uint8Array.from(sig);
    unmarked[63] = (unmarked[63] as number) & 0x7f;
    expect(check(v, unmarked, msg, bob.publicKey)).toEqual({ fast: undefined, ok: false });
    // s + ℓ: the same point equation, an encoding schnorrkel refuses
    const s = leToBigint(Uint8Array.from([...sig.subarray(32, 63), (sig[63] as number) & 0x7f])) + L;
    const big = Uint8Array.from(sig);
    big.set(scalarBytes(s), 32);
    big[63] = (big[63] as number) | 0x80;
    expect(check(v, big, msg, bob.publicKey)).toEqual({ fast: undefined, ok: false });
  });

  it('keeps at most `slots` tables, reusing the least recently used one', () => {
    const v = fresh({ promoteAfter: 1, slots: 2 });
    const msg = Uint8Array.of(7);
    const sigs = keys.map((k) => k.sign(msg));
    const has = () => keys.slice(0, 3).map((k) => v.hasTable(k.publicKey));
    check(v, sigs[0]!, msg, keys[0]!.publicKey);
    check(v, sigs[1]!, msg, keys[1]!.publicKey);
    expect(has()).toEqual([true, true, false]);
    expect(check(v, sigs[0]!, msg, keys[0]!.publicKey).fast).toBe(true); // Alice used last
    check(v, sigs[2]!, msg, keys[2]!.publicKey); // takes Bob's slot
    expect(v.tables).toBe(2);
    expect(has()).toEqual([true, false, true]);
    // Bob is still verified, the general way, and earns a table again (taking Alice's: used before Charlie's)
    expect(check(v, sigs[1]!, msg, keys[1]!.publicKey)).toEqual({ fast: true, ok: true });
    expect(has()).toEqual([false, true, true]);
    for (const [i, k] of keys.entries()) expect(v.verify(sigs[i]!, msg, k.publicKey)).toBe(true);
  });

  it('never builds a table for bytes that are not a ristretto point', () => {
    const v = fresh({ promoteAfter: 1 });
    const notAPoint = new Uint8Array(32).fill(0xff);
    const msg = Uint8Array.of(1);
    const sig = keys[0]!.sign(msg);
    // it decides nothing for such a key (the general verifier does), and counts nothing towards a table
    for (let i = 0; i < 3; i++) expect(check(v, sig, msg, notAPoint)).toEqual({ fast: undefined, ok: false });
    expect(v.tables).toBe(0);
  });

  it('switches itself off for good, with a coded warning, when the general verifier overturns one of its rejections', async () => {
    const m = new RistrettoModule(wa);
    const v = new KeyTableVerifier(m, { promoteAfter: 1 });
    const alice = keys[0]!;
    const msg = randomBytes(20);
    const sig = alice.sign(msg);
    check(v, sig, msg, alice.publicKey);
    expect(v.verify(sig, msg, alice.publicKey)).toBe(true);
    // a corrupted table (what a bug in the table path would look like from outside)
    m.bytes.fill(3, TABLES_AT + TABLE_BYTES, TABLES_AT + 2 * TABLE_BYTES);
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    expect(check(v, sig, msg, alice.publicKey)).toEqual({ fast: false, ok: true });
    expect(v.enabled).toBe(false);
    expect(await warned).toMatchObject({ code: 'SK_CRYPTO_KEY_TABLES_OFF' });
    expect(v.verify(sig, msg, alice.publicKey)).toBeUndefined();
  });
});

describe('KeyTableVerifier second opinions', () => {
  it('hands at most its budget of rejections to the wasm verifier at once, and none with a budget of 0', () => {
    const wasm = new RistrettoModule(wa);
    const five = new KeyTableVerifier(wasm, { confirmPerSecond: 5 });
    const asked = Array.from({ length: 1_000 }, () => five.confirmRejection());
    expect(asked.slice(0, 5)).toEqual([true, true, true, true, true]);
    // the bucket refills at 5 per second: a tight loop of 1,000 gets only a few more
    expect(asked.filter(Boolean).length).toBeLessThan(100);
    const none = new KeyTableVerifier(new RistrettoModule(wa), { confirmPerSecond: 0 });
    expect(none.confirmRejection()).toBe(false);
  });
});

describe('sr25519Verify with key tables', () => {
  it('answers as the general verifier before and after a key has its table, and with tables off', () => {
    const dave = Keypair.fromUri('//Dave//tables');
    const msgs = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`message ${i}`));
    const tables = keyTables();
    expect(tables).not.toBeNull();
    const before = tables!.tables;
    for (const [i, msg] of msgs.entries()) {
      const sig = dave.sign(msg);
      expect(sr25519Verify(sig, msg, dave.publicKey)).toBe(true);
      expect(sr25519Verify(sig, msgs[(i + 1) % msgs.length]!, dave.publicKey)).toBe(false);
    }
    expect(tables!.tables).toBe(before + 1);
    useKeyTables(false);
    try {
      expect(keyTables()).toBeNull();
      const sig = dave.sign(msgs[0]!);
      expect(sr25519Verify(sig, msgs[0]!, dave.publicKey)).toBe(true);
      expect(sr25519Verify(sig, msgs[1]!, dave.publicKey)).toBe(false);
    } finally {
      useKeyTables(true);
    }
    expect(tables!.enabled).toBe(true);
  });
});
