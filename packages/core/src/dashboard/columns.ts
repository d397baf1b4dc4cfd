import { esc, fmtTao, shortKey } from '../localnet/report-format.js';
import type { DashboardNeuron } from './snapshot.js';

/** A metagraph table column: header, how a cell prints, and the value it sorts by. */
export interface Column {
  key: string;
  label: string;
  numeric: boolean;
  text(n: DashboardNeuron): string;
  sort(n: DashboardNeuron): number | string;
}

const tao = (rao: bigint) => Number(rao) / 1e9;

export const COLUMNS: readonly Column[] = [
  { key: 'uid', label: 'uid', numeric: true, text: (n) => String(n.uid), sort: (n) => n.uid },
  { key: 'role', label: 'role', numeric: false, text: (n) => n.role, sort: (n) => n.role },
  {
    key: 'profile',
    label: 'profile',
    numeric: false,
    text: (n) => (n.role === 'miner' ? n.profile : ''),
    sort: (n) => n.profile,
  },
  { key: 'stake', label: 'stake (α)', numeric: true, text: (n) => fmtTao(n.stake), sort: (n) => tao(n.stake) },
  {
    key: 'incentive',
    label: 'incentive',
    numeric: true,
    text: (n) => n.incentive.toFixed(4),
    sort: (n) => n.incentive,
  },
  {
    key: 'dividends',
    label: 'dividends',
    numeric: true,
    text: (n) => n.dividends.toFixed(4),
    sort: (n) => n.dividends,
  },
  {
    key: 'emission',
    label: 'emission (α)',
    numeric: true,
    text: (n) => fmtTao(n.emission),
    sort: (n) => tao(n.emission),
  },
  { key: 'trust', label: 'trust', numeric: true, text: (n) => n.trust.toFixed(3), sort: (n) => n.trust },
  {
    key: 'permit',
    label: 'permit',
    numeric: false,
    text: (n) => (n.validatorPermit ? 'yes' : ''),
    sort: (n) => (n.validatorPermit ? 1 : 0),
  },
  { key: 'axon', label: 'axon', numeric: false, text: (n) => n.axon ?? '', sort: (n) => n.axon ?? '' },
  { key: 'hotkey', label: 'hotkey', numeric: false, text: (n) => shortKey(n.hotkey), sort: (n) => n.hotkey },
];

/** The cells of one row as the live updates send them: [text, sort value] by column key. */
export function cellsOf(n: DashboardNeuron): Record<string, [string, number | string]> {
  return Object.fromEntries(COLUMNS.map((c) => [c.key, [c.text(n), c.sort(n)]]));
}

export function sortNeurons(
  neurons: readonly DashboardNeuron[],
  key: string,
  order: 'asc' | 'desc',
): DashboardNeuron[] {
  const col = COLUMNS.find((c) => c.key === key) ?? COLUMNS[0]!;
  const sign = order === 'desc' ? -1 : 1;
  return [...neurons].sort((a, b) => {
    const x = col.sort(a);
    const y = col.sort(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * c || a.uid - b.uid;
  });
}

/** One table row; the uid links to the neuron page and every cell carries its sort value. */
export function rowHtml(netuid: number, n: DashboardNeuron): string {
  const cells = COLUMNS.map((c) => {
    const text = c.key === 'uid' ? `<a href="/subnets/${netuid}/neurons/${n.uid}">${n.uid}</a>` : esc(c.text(n));
    const cls = [c.numeric ? 'num' : '', c.key === 'hotkey' ? 'key' : ''].filter(Boolean).join(' ');
    const title = c.key === 'hotkey' ? ` title="${esc(n.hotkey)}"` : '';
    return `<td data-f="${c.key}" data-v="${esc(String(c.sort(n)))}"${cls ? ` class="${cls}"` : ''}${title}>${text}</td>`;
  }).join('');
  return `<tr class="${n.role}" data-uid="${n.uid}">${cells}</tr>`;
}
