import Table from 'cli-table3';

/** Column alignment: numbers right, text left. */
export type Align = 'left' | 'right';

/** No box drawing: the columns stay easy to read, copy and grep; cli-table3 does the widths. */
const PLAIN = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** A table as text lines (no colour codes, so it reads the same in a file or a pipe). */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly unknown[])[],
  align: readonly Align[] = [],
): string[] {
  const table = new Table({
    head: [...head],
    chars: PLAIN,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: head.map((_, i) => align[i] ?? 'left'),
  });
  for (const row of rows) table.push(row.map((c) => String(c)));
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}
