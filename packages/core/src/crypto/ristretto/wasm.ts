/**
 * ristretto255 arithmetic for signature verification, as a WebAssembly module generated here at
 * load time (as `crypto/keccak-f.ts`). Field elements are ten signed limbs of 26 and 25 bits in
 * 64-bit lanes (the classic radix-2^25.5 layout: every product of two limbs fits a wasm i64, and
 * carries can wait until after a multiplication). It does only what the verifier needs: decode a
 * key, build the table of a point, a double-scalar multiplication from a key's full or 8-entry
 * table and the base point's, and the ristretto encoding of the result compared with 32 bytes.
 * Verification works on public data, so nothing here needs to run in constant time.
 */
import { name, section, sleb, uleb } from '../wasm-bytes.js';

/** Bytes of a field element (10 little-endian i64 limbs). */
const FE = 80;
/** An extended point (X, Y, Z, T) or a projective Niels entry (Y+X, Y−X, Z, 2d·T). */
const PT = 4 * FE;
/** One table: 32 rows (256^j·P) of 8 entries (1..8 times that). */
export const TABLE_BYTES = 32 * 8 * PT;
/** Limb widths in bits (limb i holds bits from the sum of the widths before it). */
export const WIDTH = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25];

// Static memory layout (no function is re-entered, so every temporary has a fixed address).
let next = 0;
const alloc = (bytes: number): number => {
  const at = next;
  next += bytes;
  return at;
};
const tmp = (): number => alloc(FE);
type Words<S extends string> = S extends `${infer A} ${infer B}` ? A | Words<B> : S;
/** Named temporaries, one field element each: `temps('a b c')`. */
const temps = <S extends string>(names: S): Record<Words<S>, number> =>
  Object.fromEntries(names.split(' ').map((n) => [n, tmp()])) as Record<Words<S>, number>;
/** Inputs and outputs shared with JavaScript. */
export const LAYOUT = {
  /** Signed radix-16 digits (64 bytes each) of the two scalars. */
  digitsA: alloc(64),
  digitsB: alloc(64),
  /** The 32 bytes the result's encoding is compared with. */
  expected: alloc(32),
  /** The encoding of the result (written by `encodeEq`). */
  encoded: alloc(32),
  /** A point (X, Y, Z, T) for `build`. */
  source: alloc(PT),
  /** The result of `dsm` and `dsmVar`. */
  result: alloc(PT),
  /** The 32 bytes `decode` reads (a public key). */
  key: alloc(32),
  /** The 8-entry table of a decoded key (`build` with one row), for `dsmVar`. */
  small: alloc(8 * PT),
  /** Constants written by JavaScript at instantiation. */
  one: tmp(),
  sqrtM1: tmp(),
  minusSqrtM1: tmp(),
  minusOne: tmp(),
  invsqrtAMinusD: tmp(),
  d2: tmp(),
  d: tmp(),
  zero: tmp(),
};
/** Where tables start: JavaScript places the basepoint's and the keys' from here on. */
export const TABLES_AT = 16384;

// ---- a small assembler ----
const I32 = 0x7f;
const I64 = 0x7e;
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i64: (v: number) => [0x42, ...sleb(v)],
  load64: (offset: number) => [0x29, 3, ...uleb(offset)],
  store64: (offset: number) => [0x37, 3, ...uleb(offset)],
  store8: (offset: number) => [0x3c, 0, ...uleb(offset)],
  load8s: (offset: number) => [0x2c, 0, ...uleb(offset)],
  call: (f: number) => [0x10, ...uleb(f)],
  add64: [0x7c],
  sub64: [0x7d],
  mul64: [0x7e],
  and64: [0x83],
  or64: [0x84],
  shl64: [0x86],
  shrs64: [0x87],
  shru64: [0x88],
  eq64: [0x51],
  add32: [0x6a],
  sub32: [0x6b],
  mul32: [0x6c],
  and32: [0x71],
  or32: [0x72],
  lts32: [0x48],
  eqz32: [0x45],
  wrap: [0xa7],
  select: [0x1b],
  ifVoid: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  loop: [0x03, 0x40],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  ret: [0x0f],
  drop: [0x1a],
  load8u: (offset: number) => [0x2d, 0, ...uleb(offset)],
  load64u: (offset: number) => [0x29, 0, ...uleb(offset)],
};

interface FnDef {
  readonly params: number;
  readonly result: boolean;
  readonly i64Locals: number;
  readonly i32Locals: number;
  readonly code: number[];
  readonly exportAs?: string;
}

// function indices (the order of `functions` below)
const F = {
  mul: 0,
  sq: 1,
  add: 2,
  sub: 3,
  canon: 4,
  sqn: 5,
  copy: 6,
  neg: 7,
  isNeg: 8,
  eq: 9,
  pow22523: 10,
  dbl: 11,
  addNiels: 12,
  toNiels: 13,
  build: 14,
  dsm: 15,
  encodeEq: 16,
  sqrtRatioOne: 17,
  decode: 18,
  dsmVar: 19,
};

/** `call f(args…)`, each argument given as the instructions that push it. */
const callA = (f: number, ...args: number[][]): number[] => [...args.flat(), ...op.call(f)];
/** `call f(args…)` with constant addresses. */
const callC = (f: number, ...args: number[]): number[] => [...args.flatMap((a) => op.i32(a)), ...op.call(f)];
/** The address `offset` bytes past the one in param `param`. */
const at = (param: number) => (offset: number) => [...op.get(param), ...op.i32(offset), ...op.add32];
/** 1 on the stack when the `words` i64 words at constant addresses `a` and `b` are equal. */
const wordsEqual = (a: number, b: number, words: number): number[] => [
  ...op.i32(1),
  ...Array.from({ length: words }, (_, i) => [
    ...[...op.i32(a), ...op.load64(8 * i), ...op.i32(b), ...op.load64(8 * i)],
    ...[...op.eq64, ...op.and32],
  ]).flat(),
];

/** The carry passes of a multiplication's result held in i64 locals h[0..9] (c is a scratch local). */
function carryCode(h: (i: number) => number, c: number): number[] {
  const code: number[] = [];
  for (const i of [0, 4, 1, 5, 2, 6, 3, 7, 4, 8, 9, 0]) {
    const w = WIDTH[i] as number;
    code.push(...op.get(h(i)), ...op.i64(1 << (w - 1)), ...op.add64, ...op.i64(w), ...op.shrs64, ...op.set(c));
    if (i === 9) code.push(...op.get(h(0)), ...op.get(c), ...op.i64(19), ...op.mul64, ...op.add64, ...op.set(h(0)));
    else code.push(...op.get(h(i + 1)), ...op.get(c), ...op.add64, ...op.set(h(i + 1)));
    code.push(...op.get(h(i)), ...op.get(c), ...op.i64(w), ...op.shl64, ...op.sub64, ...op.set(h(i)));
  }
  return code;
}

const loadLimbs = (ptr: number, first: number): number[] =>
  Array.from({ length: 10 }, (_, i) => [...op.get(ptr), ...op.load64(8 * i), ...op.set(first + i)]).flat();
const storeLimbs = (ptr: number, first: number): number[] =>
  Array.from({ length: 10 }, (_, i) => [...op.get(ptr), ...op.get(first + i), ...op.store64(8 * i)]).flat();

/**
 * h = f·g (params h, f, g) or h = f² (params h, f). Each output limb sums the products whose
 * limb offsets add up to it; limbs past 2^255 wrap around times 19, and two odd (25-bit) limbs
 * multiply to twice their offset sum.
 */
function mulFn(square: boolean): FnDef {
  const params = square ? 2 : 3;
  let n = params;
  const f = n;
  n += 10;
  const g = square ? f : n;
  if (!square) n += 10;
  const h = n;
  n += 10;
  const c = n++;
  const scaled = new Map<string, number>(); // "limb:factor" → local holding g_j·factor
  const pre: number[] = [];
  const scaledG = (j: number, factor: number): number => {
    if (factor === 1) return g + j;
    const key = `${j}:${factor}`;
    let at = scaled.get(key);
    if (at === undefined) {
      at = n++;
      scaled.set(key, at);
      pre.push(...op.get(g + j), ...op.i64(factor), ...op.mul64, ...op.set(at));
    }
    return at;
  };
  const sums: number[] = [];
  for (let k = 0; k < 10; k++) {
    const terms: [number, number][] = [];
    for (let i = 0; i < 10; i++) {
      for (let j = square ? i : 0; j < 10; j++) {
        if ((i + j) % 10 !== k) continue;
        let factor = (i + j >= 10 ? 19 : 1) * (i % 2 === 1 && j % 2 === 1 ? 2 : 1);
        if (square && i !== j) factor *= 2;
        terms.push([f + i, scaledG(j, factor)]);
      }
    }
    terms.forEach(([a, b], t) => {
      sums.push(...op.get(a), ...op.get(b), ...op.mul64);
      if (t > 0) sums.push(...op.add64);
    });
    sums.push(...op.set(h + k));
  }
  const code = [
    ...loadLimbs(1, f),
    ...(square ? [] : loadLimbs(2, g)),
    ...pre,
    ...sums,
    ...carryCode((i) => h + i, c),
    ...storeLimbs(0, h),
  ];
  return { params, result: false, i64Locals: n - params, i32Locals: 0, code };
}

/** h = f ± g, limb by limb (no carry: sums of a few carried elements stay well inside i64 products). */
function addFn(subtract: boolean): FnDef {
  const code: number[] = [];
  for (let i = 0; i < 10; i++) {
    code.push(...op.get(0), ...op.get(1), ...op.load64(8 * i), ...op.get(2), ...op.load64(8 * i));
    code.push(...(subtract ? op.sub64 : op.add64), ...op.store64(8 * i));
  }
  return { params: 3, result: false, i64Locals: 0, i32Locals: 0, code };
}

/**
 * h = the canonical form of f: limbs in [0, 2^26) / [0, 2^25) and the value below p = 2^255 − 19.
 * After a carry, q = ⌊(h + 19)/2^255⌋ ∈ {−1, 0, 1} is found from the top down; h − q·p is then
 * h + 19q with the bit 2^255 dropped.
 */
function canonFn(): FnDef {
  const h = 2;
  const c = 12;
  const q = 13;
  const code = [...loadLimbs(1, h), ...carryCode((i) => h + i, c)];
  code.push(
    ...op.get(h + 9),
    ...op.i64(19),
    ...op.mul64,
    ...op.i64(1 << 24),
    ...op.add64,
    ...op.i64(25),
    ...op.shrs64,
    ...op.set(q),
  );
  for (let i = 0; i < 10; i++) {
    code.push(...op.get(h + i), ...op.get(q), ...op.add64, ...op.i64(WIDTH[i] as number), ...op.shrs64, ...op.set(q));
  }
  code.push(...op.get(h), ...op.get(q), ...op.i64(19), ...op.mul64, ...op.add64, ...op.set(h));
  for (let i = 0; i < 10; i++) {
    const w = WIDTH[i] as number;
    code.push(...op.get(h + i), ...op.i64(w), ...op.shrs64, ...op.set(c));
    if (i < 9) code.push(...op.get(h + i + 1), ...op.get(c), ...op.add64, ...op.set(h + i + 1));
    code.push(...op.get(h + i), ...op.get(c), ...op.i64(w), ...op.shl64, ...op.sub64, ...op.set(h + i));
  }
  code.push(...storeLimbs(0, h));
  return { params: 2, result: false, i64Locals: 12, i32Locals: 0, code };
}

/** --local, left on the stack. */
const countDown = (local: number): number[] => [...op.get(local), ...op.i32(1), ...op.sub32, ...op.tee(local)];

/** h = f^(2^n) (params h, f, n; n ≥ 1). */
function sqnFn(): FnDef {
  const sqInto = (src: number) => [...op.get(0), ...op.get(src), ...op.call(F.sq)];
  // h = f²; then while --n > 0: h = h²
  const code = [
    ...sqInto(1),
    ...op.loop,
    ...countDown(2),
    ...op.ifVoid,
    ...sqInto(0),
    ...op.end,
    ...op.get(2),
    ...op.brIf(0),
    ...op.end,
  ];
  return { params: 3, result: false, i64Locals: 0, i32Locals: 0, code };
}

function copyFn(): FnDef {
  const code: number[] = [];
  for (let i = 0; i < 10; i++) code.push(...op.get(0), ...op.get(1), ...op.load64(8 * i), ...op.store64(8 * i));
  return { params: 2, result: false, i64Locals: 0, i32Locals: 0, code };
}

function negFn(): FnDef {
  const code: number[] = [];
  for (let i = 0; i < 10; i++)
    code.push(...op.get(0), ...op.i64(0), ...op.get(1), ...op.load64(8 * i), ...op.sub64, ...op.store64(8 * i));
  return { params: 2, result: false, i64Locals: 0, i32Locals: 0, code };
}

const S = { a: tmp(), b: tmp() };
/** The low bit of f's canonical form (RFC 9496 IS_NEGATIVE). */
function isNegFn(): FnDef {
  const code = [
    ...op.i32(S.a),
    ...op.get(0),
    ...op.call(F.canon),
    ...op.i32(S.a),
    ...op.load64(0),
    ...op.i64(1),
    ...op.and64,
    ...op.wrap,
  ];
  return { params: 1, result: true, i64Locals: 0, i32Locals: 0, code };
}

/** 1 when f = g in the field. */
function eqFn(): FnDef {
  const code = [...op.i32(S.a), ...op.get(0), ...op.call(F.canon), ...op.i32(S.b), ...op.get(1), ...op.call(F.canon)];
  code.push(...wordsEqual(S.a, S.b, 10));
  return { params: 2, result: true, i64Locals: 0, i32Locals: 0, code };
}

/** h = z^((p − 5)/8) = z^(2^252 − 3), the usual addition chain. */
function pow22523Fn(): FnDef {
  const { t0, t1, t2 } = temps('t0 t1 t2');
  const z = 1;
  const code: number[] = [];
  const sqn = (o: number, a: number, k: number) => code.push(...callC(F.sqn, o, a, k));
  const mul = (o: number, a: number, b: number) => code.push(...callC(F.mul, o, a, b));
  code.push(...op.i32(t0), ...op.get(z), ...op.call(F.sq)); // z^2
  sqn(t1, t0, 2); // z^8
  code.push(...op.i32(t1), ...op.get(z), ...op.i32(t1), ...op.call(F.mul)); // z^9
  mul(t0, t0, t1); // z^11
  sqn(t0, t0, 1); // z^22
  mul(t0, t1, t0); // z^(2^5 − 1)
  // then z^(2^k − 1) for k = 10, 20, 40, 50, 100, 200, 250: square n times, multiply by an earlier power
  const steps: [squared: number, from: number, n: number, into: number, times: number][] = [
    [t1, t0, 5, t0, t0], // 2^10 − 1
    [t1, t0, 10, t1, t0], // 2^20 − 1
    [t2, t1, 20, t1, t1], // 2^40 − 1
    [t1, t1, 10, t0, t0], // 2^50 − 1
    [t1, t0, 50, t1, t0], // 2^100 − 1
    [t2, t1, 100, t1, t1], // 2^200 − 1
    [t1, t1, 50, t0, t0], // 2^250 − 1
  ];
  for (const [squared, from, n, into, times] of steps) {
    sqn(squared, from, n);
    mul(into, squared, times);
  }
  sqn(t0, t0, 2); // 2^252 − 4
  code.push(...op.get(0), ...op.i32(t0), ...op.get(z), ...op.call(F.mul)); // 2^252 − 3
  return { params: 2, result: false, i64Locals: 0, i32Locals: 0, code };
}

const X = 0;
const Y = FE;
const Z = 2 * FE;
const T = 3 * FE;

/** X3 = E·F, Y3 = G·H, T3 = E·H, Z3 = F·G into the point at `p(offset)` (both formulas end so). */
const finish = (p: (o: number) => number[], e: number[], f: number[], g: number[], h: number[]): number[] => [
  ...[X, Y, T, Z].flatMap((o, i) => [...p(o), ...[e, g, e, f][i]!, ...[f, h, h, g][i]!, ...op.call(F.mul)]),
];

/** p = 2p in place (extended coordinates, a = −1: Hisil–Wong–Carter–Dawson dbl-2008-hwcd). */
function dblFn(): FnDef {
  const { a, b, c, e, g, f, h } = temps('a b c e g f h');
  const p = at(0);
  const code = [
    ...op.i32(a),
    ...p(X),
    ...op.call(F.sq),
    ...op.i32(b),
    ...p(Y),
    ...op.call(F.sq),
    ...op.i32(c),
    ...p(Z),
    ...op.call(F.sq),
    ...callC(F.add, c, c, c), // C = 2Z²
    ...op.i32(e),
    ...p(X),
    ...p(Y),
    ...op.call(F.add),
    ...callC(F.sq, e, e),
    ...callC(F.sub, e, e, a),
    ...callC(F.sub, e, e, b), // E = (X+Y)² − A − B
    ...callC(F.sub, g, b, a), // G = B − A (D + B with D = −A)
    ...callC(F.sub, f, g, c), // F = G − C
    ...callC(F.add, h, a, b),
    ...callC(F.neg, h, h), // H = −A − B
    ...finish(p, op.i32(e), op.i32(f), op.i32(g), op.i32(h)),
  ];
  return { params: 1, result: false, i64Locals: 0, i32Locals: 0, code };
}

/**
 * p = p ± q (params p, q, negate) with q a projective Niels entry (Y+X, Y−X, Z, 2d·T):
 * add-2008-hwcd-3; −q swaps Y+X with Y−X and negates 2d·T.
 */
function addNielsFn(): FnDef {
  const { ym, yp, a, b, c, d, e, h, dpc, dmc } = temps('ym yp a b c d e h dpc dmc');
  const p = at(0);
  const q = at(1);
  // with negate: Y+X and Y−X swap places, and F, G swap (C changes sign)
  const pick = (whenPlain: number[], whenNeg: number[]) => [...whenNeg, ...whenPlain, ...op.get(2), ...op.select];
  const code = [
    ...op.i32(ym),
    ...p(Y),
    ...p(X),
    ...op.call(F.sub),
    ...op.i32(yp),
    ...p(Y),
    ...p(X),
    ...op.call(F.add),
    ...op.i32(a),
    ...op.i32(ym),
    ...pick(q(FE), q(0)),
    ...op.call(F.mul), // A = (Y1−X1)(Y2−X2)
    ...op.i32(b),
    ...op.i32(yp),
    ...pick(q(0), q(FE)),
    ...op.call(F.mul), // B = (Y1+X1)(Y2+X2)
    ...op.i32(c),
    ...p(T),
    ...q(3 * FE),
    ...op.call(F.mul), // C = T1·2d·T2
    ...op.i32(d),
    ...p(Z),
    ...q(2 * FE),
    ...op.call(F.mul),
    ...callC(F.add, d, d, d), // D = 2·Z1·Z2
    ...callC(F.sub, e, b, a),
    ...callC(F.add, h, b, a),
    ...callC(F.add, dpc, d, c),
    ...callC(F.sub, dmc, d, c),
    // F = D − C, G = D + C (swapped when negating)
    ...finish(p, op.i32(e), pick(op.i32(dmc), op.i32(dpc)), pick(op.i32(dpc), op.i32(dmc)), op.i32(h)),
  ];
  return { params: 3, result: false, i64Locals: 0, i32Locals: 0, code };
}

/** dst = p as a projective Niels entry (params dst, p). */
function toNielsFn(): FnDef {
  const d = at(0);
  const p = at(1);
  const code = [
    ...d(0),
    ...p(Y),
    ...p(X),
    ...op.call(F.add),
    ...d(FE),
    ...p(Y),
    ...p(X),
    ...op.call(F.sub),
    ...d(2 * FE),
    ...p(Z),
    ...op.call(F.copy),
    ...d(3 * FE),
    ...p(T),
    ...op.i32(LAYOUT.d2),
    ...op.call(F.mul),
  ];
  return { params: 2, result: false, i64Locals: 0, i32Locals: 0, code };
}

/**
 * Table of the point at param src (params src, dst, rows; 32 rows for a full table): row j holds
 * m·256^j·P for m = 1..8, so a scalar in signed radix-16 digits costs one table addition per
 * nonzero digit.
 */
function buildFn(): FnDef {
  const base = alloc(PT); // 256^j·P
  const acc = alloc(PT);
  const row = 3; // i32 local: the row's first entry
  const m = 4; // i32 local: entries left in the row
  const j = 5; // i32 local: rows left
  const first = 6; // i32 local: the row's entry for 1·256^j·P
  const copyPt = (dst: number[], src: number[]) =>
    [0, FE, 2 * FE, 3 * FE].flatMap((o) => [
      ...dst,
      ...op.i32(o),
      ...op.add32,
      ...src,
      ...op.i32(o),
      ...op.add32,
      ...op.call(F.copy),
    ]);
  const nextEntry = [...op.get(row), ...op.i32(PT), ...op.add32, ...op.set(row)];
  const niels = (src: number) => [...op.get(row), ...op.i32(src), ...op.call(F.toNiels)];
  const code = [
    ...copyPt(op.i32(base), op.get(0)),
    ...[...op.get(1), ...op.set(row), ...op.get(2), ...op.set(j)],
    ...op.loop,
    // entry 1 = base; acc = base; then entries 2..8 = acc += base
    ...[...niels(base), ...op.get(row), ...op.set(first)],
    ...copyPt(op.i32(acc), op.i32(base)),
    ...[...op.i32(7), ...op.set(m)],
    ...op.loop,
    ...[...op.i32(acc), ...op.get(first), ...op.i32(0), ...op.call(F.addNiels)],
    ...[...nextEntry, ...niels(acc)],
    ...[...countDown(m), ...op.brIf(0), ...op.end],
    ...nextEntry,
    // base = 256·base = 32·(8·base)
    ...copyPt(op.i32(base), op.i32(acc)),
    ...[1, 2, 3, 4, 5].flatMap(() => [...op.i32(base), ...op.call(F.dbl)]),
    ...[...countDown(j), ...op.brIf(0), ...op.end],
  ];
  return { params: 3, result: false, i64Locals: 0, i32Locals: 4, code, exportAs: 'build' };
}

/**
 * result = a·A + b·B (params tableA, tableB) for the signed radix-16 digits at `digitsA`,
 * `digitsB`: first the odd digits, times 16, then the even ones (each row steps 16² = 256).
 */
function dsmFn(): FnDef {
  const code = comb([0, LAYOUT.digitsA], [1, LAYOUT.digitsB]);
  return { params: 2, result: false, i64Locals: 0, i32Locals: 1, code, exportAs: 'dsm' };
}

/**
 * result = Σ d·P over full tables (param, digits address) of points P: the odd digits, times 16,
 * then the even ones (each row steps 16² = 256).
 */
const comb = (...sources: [table: number, digits: number][]): number[] => {
  const digits = (parity: number) =>
    Array.from({ length: 32 }, (_, r) =>
      sources.flatMap(([table, addr]) => digitAdd(table, addr, 2 * r + parity, r)),
    ).flat();
  const times16 = [0, 1, 2, 3].flatMap(() => [...op.i32(LAYOUT.result), ...op.call(F.dbl)]);
  return [...identity(LAYOUT.result), ...digits(1), ...times16, ...digits(0)];
};

/** p = (0, 1, 1, 0), the identity. */
const identity = (p: number): number[] => [
  ...callC(F.copy, p + X, LAYOUT.zero),
  ...callC(F.copy, p + Y, LAYOUT.one),
  ...callC(F.copy, p + Z, LAYOUT.one),
  ...callC(F.copy, p + T, LAYOUT.zero),
];

/**
 * acc += d·(the row's point) for the digit at `digits + i`, from the table whose address is in
 * param `table` (entry (row·8 + |d| − 1), negated for d < 0); local 2 holds the digit.
 */
const digitAdd = (table: number, digits: number, i: number, row: number, acc: number = LAYOUT.result): number[] => {
  const d = 2;
  const negative = [...op.get(d), ...op.i32(0), ...op.lts32];
  const abs = [...op.i32(0), ...op.get(d), ...op.sub32, ...op.get(d), ...negative, ...op.select];
  const entry = [
    ...op.get(table),
    ...op.i32((row * 8 - 1) * PT),
    ...op.add32,
    ...abs,
    ...op.i32(PT),
    ...op.mul32,
    ...op.add32,
  ];
  return [
    ...op.i32(0),
    ...op.load8s(digits + i),
    ...op.tee(d),
    ...op.ifVoid,
    ...op.i32(acc),
    ...entry,
    ...negative,
    ...op.call(F.addNiels),
    ...op.end,
  ];
};

/**
 * result = a·A + b·B (params small, tableB) where `small` holds only 1..8 times A (a key seen
 * once): a·A by Horner's rule over the digits at `digitsA` (four doublings per digit), b·B from
 * B's full table as in `dsm`, then the sum.
 */
function dsmVarFn(): FnDef {
  const acc = alloc(PT);
  const niels = alloc(PT);
  const code = [...identity(acc)];
  for (let i = 63; i >= 0; i--) {
    if (i < 63) for (let k = 0; k < 4; k++) code.push(...op.i32(acc), ...op.call(F.dbl));
    code.push(...digitAdd(0, LAYOUT.digitsA, i, 0, acc));
  }
  code.push(...comb([1, LAYOUT.digitsB]));
  code.push(...callC(F.toNiels, niels, acc), ...callC(F.addNiels, LAYOUT.result, niels, 0));
  return { params: 2, result: false, i64Locals: 0, i32Locals: 1, code, exportAs: 'dsmVar' };
}

/**
 * r = SQRT_RATIO_M1(1, v) (RFC 9496 §4.2; params r, v): r = v³·(v⁷)^((p−5)/8), times √−1 when
 * that squares to −v⁻¹ or −√−1·v⁻¹, then made non-negative. Returns was_square.
 */
function sqrtRatioOneFn(): FnDef {
  const { t, chk } = temps('t chk');
  const [r, v] = [op.get(0), op.get(1)];
  const [T, C] = [op.i32(t), op.i32(chk)];
  const correct = 2; // i32 locals
  const flipped = 3;
  const code = [
    ...callA(F.sq, T, v),
    ...callA(F.mul, T, T, v), // v³
    ...callA(F.sq, C, T),
    ...callA(F.mul, C, C, v), // v⁷
    ...callA(F.pow22523, r, C),
    ...callA(F.mul, r, r, T),
    ...callA(F.sq, C, r),
    ...callA(F.mul, C, C, v), // check = v·r²
    ...[...callC(F.eq, chk, LAYOUT.one), ...op.set(correct)],
    ...[...callC(F.eq, chk, LAYOUT.minusOne), ...op.set(flipped)],
    ...[...op.get(flipped), ...callC(F.eq, chk, LAYOUT.minusSqrtM1), ...op.or32],
    ...[...op.ifVoid, ...callA(F.mul, r, r, op.i32(LAYOUT.sqrtM1)), ...op.end],
    ...[...callA(F.isNeg, r), ...op.ifVoid, ...callA(F.neg, r, r), ...op.end],
    ...[...op.get(correct), ...op.get(flipped), ...op.or32],
  ];
  return { params: 2, result: true, i64Locals: 0, i32Locals: 2, code };
}

/**
 * Decodes the ristretto255 encoding at `key` (RFC 9496 §4.3.1) into the point at param 0 as
 * (x, y, 1, x·y); returns 0, writing nothing useful, for a non-canonical or invalid encoding.
 */
function decodeFn(): FnDef {
  const { sFe, canon, ss, u1, u2, u2sq, v, t1, inv, denx, deny, x, y, t } = temps(
    'sFe canon ss u1 u2 u2sq v t1 inv denx deny x y t',
  );
  const K = LAYOUT.key;
  const code: number[] = [];
  const fail = (cond: number[]) => code.push(...cond, ...op.ifVoid, ...op.i32(0), ...op.ret, ...op.end);
  const mul = (o: number, a: number, b: number) => code.push(...callC(F.mul, o, a, b));
  // bit 255 set: not a field element's encoding
  fail([...op.i32(0), ...op.load8u(K + 31), ...op.i32(0x80), ...op.and32]);
  let bit = 0;
  for (let i = 0; i < 10; i++) {
    const w = WIDTH[i] as number;
    code.push(...op.i32(sFe), ...op.i32(0), ...op.load64u(K + (bit >> 3)), ...op.i64(bit & 7), ...op.shru64);
    code.push(...op.i64(2 ** w - 1), ...op.and64, ...op.store64(8 * i));
    bit += w;
  }
  // s must be canonical (below p) and non-negative
  code.push(...callC(F.canon, canon, sFe), ...wordsEqual(sFe, canon, 10));
  fail(op.eqz32);
  fail([...op.i32(sFe), ...op.call(F.isNeg)]);
  code.push(...callC(F.sq, ss, sFe), ...callC(F.sub, u1, LAYOUT.one, ss), ...callC(F.add, u2, LAYOUT.one, ss));
  code.push(...callC(F.sq, u2sq, u2), ...callC(F.sq, t1, u1));
  mul(t1, t1, LAYOUT.d);
  code.push(...callC(F.neg, v, t1), ...callC(F.sub, v, v, u2sq)); // v = −(d·u1²) − u2²
  mul(t1, v, u2sq);
  code.push(...callC(F.sqrtRatioOne, inv, t1), ...op.eqz32);
  fail([]);
  mul(denx, inv, u2);
  mul(deny, inv, denx);
  mul(deny, deny, v);
  code.push(...callC(F.add, x, sFe, sFe));
  mul(x, x, denx);
  code.push(...op.i32(x), ...op.call(F.isNeg), ...op.ifVoid, ...callC(F.neg, x, x), ...op.end);
  mul(y, u1, deny);
  mul(t, x, y);
  fail([...op.i32(t), ...op.call(F.isNeg)]);
  fail(callC(F.eq, y, LAYOUT.zero));
  const p = at(0);
  code.push(...p(X), ...op.i32(x), ...op.call(F.copy), ...p(Y), ...op.i32(y), ...op.call(F.copy));
  code.push(...p(Z), ...op.i32(LAYOUT.one), ...op.call(F.copy), ...p(T), ...op.i32(t), ...op.call(F.copy));
  code.push(...op.i32(1));
  return { params: 1, result: true, i64Locals: 0, i32Locals: 0, code, exportAs: 'decode' };
}

/**
 * 1 when the ristretto255 encoding (RFC 9496 §4.3.2) of `result` equals the 32 bytes at
 * `expected`; the encoding is left at `encoded`.
 */
function encodeEqFn(): FnDef {
  const { zpy, zmy, u1, u2, v, r, den1, den2, zinv, tz, xs, ys, deninv, s, t } = temps(
    'zpy zmy u1 u2 v r den1 den2 zinv tz xs ys deninv s t',
  );
  const R = LAYOUT.result;
  const code: number[] = [];
  const mul = (o: number, a: number, b: number) => code.push(...callC(F.mul, o, a, b));
  const isNeg = (a: number) => [...op.i32(a), ...op.call(F.isNeg)];
  code.push(...callC(F.add, zpy, R + Z, R + Y), ...callC(F.sub, zmy, R + Z, R + Y));
  mul(u1, zpy, zmy);
  mul(u2, R + X, R + Y);
  code.push(...callC(F.sq, v, u2));
  mul(v, v, u1); // v = u1·u2²
  code.push(...callC(F.sqrtRatioOne, r, v), ...op.drop);
  mul(den1, r, u1);
  mul(den2, r, u2);
  mul(zinv, den1, den2);
  mul(zinv, zinv, R + T);
  mul(tz, R + T, zinv);
  code.push(...isNeg(tz), ...op.ifVoid);
  mul(xs, R + Y, LAYOUT.sqrtM1);
  mul(ys, R + X, LAYOUT.sqrtM1);
  mul(deninv, den1, LAYOUT.invsqrtAMinusD);
  code.push(
    ...op.else,
    ...callC(F.copy, xs, R + X),
    ...callC(F.copy, ys, R + Y),
    ...callC(F.copy, deninv, den2),
    ...op.end,
  );
  mul(t, xs, zinv);
  code.push(...isNeg(t), ...op.ifVoid, ...callC(F.neg, ys, ys), ...op.end);
  code.push(...callC(F.sub, t, R + Z, ys));
  mul(s, deninv, t);
  code.push(...isNeg(s), ...op.ifVoid, ...callC(F.neg, s, s), ...op.end);
  code.push(...callC(F.canon, s, s));
  // pack the canonical limbs into 32 little-endian bytes
  const acc = 0; // i64 local
  let bits = 0;
  let byte = 0;
  code.push(...op.i64(0), ...op.set(acc));
  for (let i = 0; i < 10; i++) {
    code.push(
      ...op.get(acc),
      ...op.i32(s),
      ...op.load64(8 * i),
      ...op.i64(bits),
      ...op.shl64,
      ...op.or64,
      ...op.set(acc),
    );
    bits += WIDTH[i] as number;
    while (bits >= 8 || (i === 9 && bits > 0)) {
      code.push(...op.i32(LAYOUT.encoded), ...op.get(acc), ...op.store8(byte++));
      code.push(...op.get(acc), ...op.i64(8), ...op.shru64, ...op.set(acc));
      bits -= 8;
    }
    if (bits < 0) bits = 0;
  }
  code.push(...wordsEqual(LAYOUT.encoded, LAYOUT.expected, 4));
  return { params: 0, result: true, i64Locals: 1, i32Locals: 0, code, exportAs: 'encodeEq' };
}

function functions(): FnDef[] {
  // in the order of `F`'s indices
  // biome-ignore format: one table, in index order
  const fns = [
    mulFn(false), mulFn(true), addFn(false), addFn(true), canonFn(), sqnFn(), copyFn(), negFn(), isNegFn(), eqFn(),
    pow22523Fn(), dblFn(), addNielsFn(), toNielsFn(), buildFn(), dsmFn(), encodeEqFn(), sqrtRatioOneFn(),
    decodeFn(), dsmVarFn(),
  ];
  if (fns.length !== Object.keys(F).length) throw new Error('ristretto: the function table and F disagree');
  // the field operations are exported too, for the tests that check them against BigInt arithmetic
  for (const k of ['mul', 'sq', 'canon', 'dbl'] as const) fns[F[k]] = { ...(fns[F[k]] as FnDef), exportAs: k };
  return fns;
}

let built: Uint8Array | undefined;

/** The module: memory `m` (exported, grown by the caller as tables are added) and the functions. */
export function moduleBytes(): Uint8Array {
  built ??= assemble();
  return built;
}

function assemble(): Uint8Array {
  const fns = functions();
  if (next > TABLES_AT) throw new Error('ristretto: scratch memory overlaps the tables');
  const types: string[] = [];
  const typeOf = fns.map((f) => {
    const key = `${f.params}:${f.result}`;
    let at = types.indexOf(key);
    if (at < 0) at = types.push(key) - 1;
    return at;
  });
  const typeSection = types.flatMap((k) => {
    const [params, result] = k.split(':');
    const n = Number(params);
    return [0x60, n, ...new Array<number>(n).fill(I32), ...(result === 'true' ? [1, I32] : [0])];
  });
  const exports = fns.flatMap((f, i) => (f.exportAs ? [...name(f.exportAs), 0, ...uleb(i)] : []));
  const bodies = fns.flatMap((f) => {
    const locals: number[] = [];
    if (f.i64Locals > 0) locals.push(...uleb(f.i64Locals), I64);
    if (f.i32Locals > 0) locals.push(...uleb(f.i32Locals), I32);
    // i64 locals come first: their indices follow the params; i32 locals after them
    const body = [locals.length / 2, ...locals, ...f.code, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [types.length, ...typeSection]),
    ...section(3, [fns.length, ...typeOf]),
    ...section(5, [1, 0, ...uleb(Math.ceil(TABLES_AT / 65536) + 2)]),
    ...section(7, [fns.filter((f) => f.exportAs).length + 1, ...exports, ...name('m'), 2, 0]),
    ...section(10, [fns.length, ...bodies]),
  ]);
}
