/** §4.10 Stale bonds: `last_tempo` and the stored bonds read back without those it drops. */
import type { Csr } from '../csr.js';
import { u16ToProportionN } from '../fast-fixed.js';
import { scratchF64, scratchI32 } from '../scratch.js';
import type { EpochHyperparameters, PackedRowsU16 } from '../types.js';
import type { EpochBlocks } from './activity.js';

const U64_MAX = (1n << 64n) - 1n;

/** `last_tempo`: the block after the last successful epoch, or `block − tempo` before the first. */
export function lastTempo(hp: EpochHyperparameters, block: bigint): bigint {
  if (hp.lastMechanismStepBlock === 0n) {
    const t = block - BigInt(hp.tempo);
    return t < 0n ? 0n : t;
  }
  const t = hp.lastMechanismStepBlock + 1n;
  return t > U64_MAX ? U64_MAX : t;
}

let u16Table: Float64Array | undefined;
/** `u16p(k)` for every u16, built once: bonds read it per entry. */
function u16Proportions(): Float64Array {
  if (u16Table === undefined) {
    u16Table = new Float64Array(65536);
    for (let k = 0; k < 65536; k++) u16Table[k] = u16ToProportionN(k);
  }
  return u16Table;
}

/**
 * Stored bonds without those towards uids registered at or after `last_tempo`, as proportions
 * (Yuma3) or as integers (legacy). Entries with column ≥ n are kept only where a later step can
 * see them: the Yuma3 liquid-alpha walk stops at them (registration reads 0 there, so they are
 * stale only when `last_tempo` is 0).
 */
export function readBonds(
  n: number,
  rows: PackedRowsU16,
  blocks: EpochBlocks,
  lastTempoRaw: bigint,
  asProportion: boolean,
): Csr {
  const { offsets, uids, values } = rows;
  const stored = Math.min(n, offsets.length - 1);
  const total = stored > 0 ? (offsets[stored] as number) - (offsets[0] as number) : 0;
  const ptr = new Int32Array(n + 1);
  const col = scratchI32('b.col', total);
  const val = scratchF64('b.val', total);
  const table = u16Proportions();
  const bar = blocks.registration;
  const lt = blocks.lastTempo;
  const keepBeyondN = asProportion && lastTempoRaw > 0n;
  let len = 0;
  for (let i = 0; i < n; i++) {
    if (i < stored) {
      for (let t = offsets[i] as number, end = offsets[i + 1] as number; t < end; t++) {
        const j = uids[t] as number;
        if (j < n) {
          if (lt <= (bar[j] as number)) continue;
        } else if (!keepBeyondN) continue;
        const b = values[t] as number;
        col[len] = j;
        val[len++] = asProportion ? (table[b] as number) : b;
      }
    }
    ptr[i + 1] = len;
  }
  return { ptr, col: col.subarray(0, len), val: val.subarray(0, len) };
}
