import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { EpochSnapshot, NeuronSummary } from './summary.js';

/**
 * A localnet's per-epoch history on disk: one JSON line per subnet epoch, appended as epochs
 * happen, so a restarted localnet continues its epoch count and its report covers every run.
 * Amounts (rao) are written as decimal strings.
 */
export function appendHistory(file: string, record: EpochSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(record, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
}

/**
 * Reads the history. A last line cut short (the process died while appending) is dropped from
 * the file, so the next append starts on a line of its own; any other bad line is
 * SK_LOCALNET_FILE_CORRUPT naming the file and the line. `readOnly` (a dashboard watching
 * another process's data dir, which may be appending right now) skips that line and leaves the
 * file as it is.
 */
export function loadHistory(
  file: string,
  options: { readOnly?: boolean } = {},
): { records: EpochSnapshot[]; droppedPartialLine: boolean } {
  if (!existsSync(file)) return { records: [], droppedPartialLine: false };
  const text = readFileSync(file, 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  const records: EpochSnapshot[] = [];
  for (const [i, line] of complete.split('\n').entries()) {
    if (line.trim() === '') continue;
    records.push(parseRecord(file, i + 1, line));
  }
  const droppedPartialLine = complete.length !== text.length;
  if (droppedPartialLine && !options.readOnly) truncateSync(file, Buffer.byteLength(complete));
  return { records, droppedPartialLine };
}

function parseRecord(file: string, lineNo: number, line: string): EpochSnapshot {
  const bad = (why: string, cause?: unknown) =>
    new SubnetkitError(
      'SK_LOCALNET_FILE_CORRUPT',
      `${file} line ${lineNo} is not an epoch record (${why}); move the file away to start the history afresh.`,
      { file, line: lineNo },
      cause === undefined ? undefined : { cause },
    );
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch (cause) {
    throw bad('not JSON', cause);
  }
  const { block, netuid, subnet, epoch, neurons } = raw;
  if (
    typeof block !== 'number' ||
    typeof netuid !== 'number' ||
    typeof subnet !== 'string' ||
    typeof epoch !== 'number' ||
    !Array.isArray(neurons)
  ) {
    throw bad('missing block, netuid, subnet, epoch or neurons');
  }
  try {
    return {
      block,
      netuid,
      subnet,
      epoch,
      neurons: (neurons as Record<string, unknown>[]).map(
        (n) => ({ ...n, stake: BigInt(n.stake as string), emission: BigInt(n.emission as string) }) as NeuronSummary,
      ),
    };
  } catch (cause) {
    throw bad('a neuron has a malformed amount', cause);
  }
}
