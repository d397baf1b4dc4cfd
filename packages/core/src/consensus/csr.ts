/**
 * Sparse matrices of the epoch in CSR form (row pointers, column indices, values), with entries in
 * the order each step of consensus.md §4 defines, plus the row and column helpers of §2.4.
 * Values are I32F32 raws held as numbers (see `fast-fixed.ts` for why that is exact).
 */
import { divI32, mulI32 } from './fast-fixed.js';
import { scratchF64, scratchI32 } from './scratch.js';
import type { SparseRowU16 } from './types.js';

/** A sparse matrix in CSR form; `ptr` has rows + 1 entries. */
export interface Csr {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Growable CSR builder (rows appended in order). */
export class CsrBuilder {
  private col: Int32Array;
  private val: Float64Array;
  private len = 0;
  readonly ptr: Int32Array;
  private row = 0;

  /** With `slot`, the entry arrays come from the epoch's reusable buffers (see scratch.ts). */
  constructor(rows: number, capacity: number, slot?: string) {
    this.ptr = new Int32Array(rows + 1);
    const size = Math.max(16, capacity);
    this.col = slot ? scratchI32(`${slot}.col`, size) : new Int32Array(size);
    this.val = slot ? scratchF64(`${slot}.val`, size) : new Float64Array(size);
  }

  push(j: number, v: number): void {
    if (this.len === this.col.length) this.grow(this.len + 1);
    this.col[this.len] = j;
    this.val[this.len++] = v;
  }

  private grow(min: number): void {
    const size = Math.max(min, this.col.length * 2);
    const c = new Int32Array(size);
    c.set(this.col.subarray(0, this.len));
    this.col = c;
    const v = new Float64Array(size);
    v.set(this.val.subarray(0, this.len));
    this.val = v;
  }

  /**
   * Appends `α·a + β·b` over the union of two ascending column runs `a[p0…p1)`, `b[q0…q1)` (a
   * merge), keeping positive values: the fixed-rate EMA's row, in one loop over plain arrays.
   */
  mergeRow(a: Csr, p0: number, p1: number, alpha: number, b: Csr, q0: number, q1: number, beta: number): void {
    if (this.len + (p1 - p0) + (q1 - q0) > this.col.length) this.grow(this.len + (p1 - p0) + (q1 - q0));
    const col = this.col;
    const val = this.val;
    const ac = a.col;
    const av = a.val;
    const bc = b.col;
    const bv = b.val;
    let len = this.len;
    let p = p0;
    let q = q0;
    while (p < p1 && q < q1) {
      const jp = ac[p] as number;
      const jq = bc[q] as number;
      let v: number;
      let j: number;
      if (jp === jq) {
        j = jp;
        v = mulI32(alpha, av[p++] as number) + mulI32(beta, bv[q++] as number);
      } else if (jp < jq) {
        j = jp;
        v = mulI32(alpha, av[p++] as number);
      } else {
        j = jq;
        v = mulI32(beta, bv[q++] as number);
      }
      if (v > 0) {
        col[len] = j;
        val[len++] = v;
      }
    }
    for (; p < p1; p++) {
      const v = mulI32(alpha, av[p] as number);
      if (v > 0) {
        col[len] = ac[p] as number;
        val[len++] = v;
      }
    }
    for (; q < q1; q++) {
      const v = mulI32(beta, bv[q] as number);
      if (v > 0) {
        col[len] = bc[q] as number;
        val[len++] = v;
      }
    }
    this.len = len;
  }

  endRow(): void {
    this.ptr[++this.row] = this.len;
  }

  finish(): Csr {
    return { ptr: this.ptr, col: this.col.subarray(0, this.len), val: this.val.subarray(0, this.len) };
  }
}

/** The rows of a CSR matrix as `[column, raw]` tuples (for intermediates and tests). */
export function csrToRows(m: Csr, rows: number): SparseRowU16[] {
  const out: SparseRowU16[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row: [number, number][] = [];
    for (let p = m.ptr[i] as number; p < (m.ptr[i + 1] as number); p++)
      row.push([m.col[p] as number, m.val[p] as number]);
    out[i] = row;
  }
  return out;
}

/** A CSR matrix from `[column, raw]` rows, in their order (for tests and the reference). */
export function rowsToCsr(rows: readonly SparseRowU16[], n: number): Csr {
  let total = 0;
  for (let i = 0; i < n && i < rows.length; i++) total += (rows[i] as SparseRowU16).length;
  const ptr = new Int32Array(n + 1);
  const col = new Int32Array(total);
  const val = new Float64Array(total);
  let len = 0;
  for (let i = 0; i < n; i++) {
    for (const [j, v] of rows[i] ?? []) {
      col[len] = j;
      val[len++] = v;
    }
    ptr[i + 1] = len;
  }
  return { ptr, col, val };
}

/** I32F32 `normalize` in place on number raws: unchanged when the sum is 0. */
export function normalizeInPlace(x: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  if (s === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = divI32(x[i] as number, s);
}

/** Per-column sums of entries with column < n. */
export function columnSums(m: Csr, n: number): Float64Array {
  const sums = new Float64Array(n);
  const col = m.col;
  const val = m.val;
  for (let p = 0; p < col.length; p++) {
    const j = col[p] as number;
    if (j < n) sums[j] = (sums[j] as number) + (val[p] as number);
  }
  return sums;
}

/** Divides each entry by its column's `divisor` (entries with a zero divisor or column ≥ n stay). */
function divideColumns(m: Csr, n: number, divisor: Float64Array): void {
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    const s = j < n ? (divisor[j] as number) : 0;
    if (s !== 0) m.val[p] = divI32(m.val[p] as number, s);
  }
}

/** `col_normalize` in place over columns < n. */
export function colNormalize(m: Csr, n: number): void {
  divideColumns(m, n, columnSums(m, n));
}

/** `col_max_upscale` in place over columns < n. */
export function colMaxUpscale(m: Csr, n: number): void {
  const max = new Float64Array(n);
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    if (j < n && (max[j] as number) < (m.val[p] as number)) max[j] = m.val[p] as number;
  }
  divideColumns(m, n, max);
}

/** True when `col[a…b)` is strictly ascending and below n (no duplicates, no out-of-range). */
export function isAscending(col: Int32Array, a: number, b: number, n: number): boolean {
  let prev = -1;
  for (let p = a; p < b; p++) {
    const j = col[p] as number;
    if (j <= prev) return false;
    prev = j;
  }
  return prev < n;
}

/** Scratch for dense-by-touch row work: values indexed by column plus the list of touched columns. */
export class RowScratch {
  readonly a: Float64Array;
  readonly b: Float64Array;
  private readonly mark: Uint8Array;
  private touchedBuf: Int32Array;
  count = 0;

  constructor(n: number) {
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.touchedBuf = new Int32Array(Math.max(16, Math.min(n, 1024)));
  }

  touch(j: number): void {
    if (this.mark[j] === 1) return;
    this.mark[j] = 1;
    if (this.count === this.touchedBuf.length) {
      const t = new Int32Array(this.count * 2);
      t.set(this.touchedBuf);
      this.touchedBuf = t;
    }
    this.touchedBuf[this.count++] = j;
  }

  /** Touched columns in ascending order. */
  sorted(): Int32Array {
    return this.touchedBuf.subarray(0, this.count).sort();
  }

  reset(): void {
    for (let t = 0; t < this.count; t++) {
      const j = this.touchedBuf[t] as number;
      this.mark[j] = 0;
      this.a[j] = 0;
      this.b[j] = 0;
    }
    this.count = 0;
  }
}
