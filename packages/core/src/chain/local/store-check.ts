import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SubnetkitError } from '../../errors/subnetkit-error.js';

/** LMDB's meta-page magic (MDB_MAGIC), little-endian on disk. */
const MAGIC = 0xbeefc0de;
/** Where the meta starts in a meta page: after a 16-byte page header (LMDB 0.9) or 24 (lmdb-js' v1 format). */
const META_OFFSETS = [16, 24];
/** From the magic: the main DB record (its md_pad holds the page size), then last page and txn id. */
const PSIZE_AT = 24;
const LAST_PAGE_AT = 120;
const TXNID_AT = 128;

/** What a damaged store looks like, for the error message. */
export interface StoreDamage {
  file: string;
  reason: string;
}

/**
 * Looks at an LMDB data file before it is memory-mapped. LMDB maps the file and trusts it: a
 * truncated file makes the first read past its end a SIGBUS that kills the process without a
 * word. Both meta pages are read with plain file I/O; the newer valid one says how many pages
 * the store uses, and the file must hold them all. Returns undefined when the file looks whole.
 */
export function inspectStoreFile(file: string): StoreDamage | undefined {
  const size = statSync(file).size;
  if (size === 0) return { file, reason: 'the file is empty' };
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 4096));
    readSync(fd, head, 0, head.length, 0);
    const at = META_OFFSETS.find((o) => head.length >= o + 8 && head.readUInt32LE(o) === MAGIC);
    if (at === undefined) return { file, reason: 'it is not an LMDB file (no meta page)' };
    const pageSize = head.readUInt32LE(at + PSIZE_AT);
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
      return { file, reason: `its meta page names an impossible page size (${pageSize})` };
    }
    if (size < 2 * pageSize) return { file, reason: `it is ${size} bytes, shorter than its two meta pages` };
    let best: { txn: bigint; lastPage: bigint } | undefined;
    for (const page of [0, 1]) {
      const meta = Buffer.alloc(at + TXNID_AT + 8);
      readSync(fd, meta, 0, meta.length, page * pageSize);
      if (meta.readUInt32LE(at) !== MAGIC) continue;
      const txn = meta.readBigUInt64LE(at + TXNID_AT);
      if (!best || txn > best.txn) best = { txn, lastPage: meta.readBigUInt64LE(at + LAST_PAGE_AT) };
    }
    if (!best) return { file, reason: 'neither meta page is valid' };
    const needed = (best.lastPage + 1n) * BigInt(pageSize);
    if (BigInt(size) < needed) {
      return { file, reason: `it is truncated: ${size} bytes of the ${needed} its last transaction uses` };
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Throws SK_CHAIN_STORAGE (details.damaged) when the store in `dir` is damaged; nothing is changed. */
export function assertStoreIntact(dir: string): void {
  const file = join(dir, 'data.mdb');
  if (!existsSync(file)) return;
  const damage = inspectStoreFile(file);
  if (!damage) return;
  throw new SubnetkitError(
    'SK_CHAIN_STORAGE',
    `The chain database ${file} is damaged: ${damage.reason}. Restore ${dir} from a backup, or move it aside to start a new chain.`,
    { dir, file, reason: damage.reason, damaged: true },
  );
}
