/** A tiny SVG line chart for the README: context, truth, model forecast, naive forecast, 10-90 % band. */

export interface ChartPanel {
  title: string;
  unit: string;
  context: number[];
  truth: number[];
  model: number[];
  naive: number[];
  low: number[];
  high: number[];
  /** The subnet's scored horizon (marked on the x axis). */
  horizon: number;
}

const W = 760;
const H = 250;
const M = { left: 56, right: 16, top: 34, bottom: 30 };
const fmt = (x: number): string => (Math.round(x * 10) / 10).toString();

function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function renderPanel(p: ChartPanel, y0: number): string {
  const all = [...p.context, ...p.truth, ...p.model, ...p.low, ...p.high];
  const pad = (Math.max(...all) - Math.min(...all)) * 0.08 || 1;
  const lo = Math.min(...all) - pad;
  const hi = Math.max(...all) + pad;
  const n0 = p.context.length;
  const total = n0 + p.truth.length;
  const x = (i: number): number => M.left + ((i + 0.5) / total) * (W - M.left - M.right);
  const y = (v: number): number => y0 + M.top + (1 - (v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const line = (vals: number[], from: number): string =>
    vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(from + i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  // Forecast lines start from the last observed point, so they visibly continue the context.
  const last = p.context[n0 - 1] as number;
  const band = [
    ...p.high.map((v, i) => `${x(n0 + i).toFixed(1)},${y(v).toFixed(1)}`),
    ...p.low.map((v, i) => `${x(n0 + i).toFixed(1)},${y(v).toFixed(1)}`).reverse(),
  ].join(' ');
  const ticks = niceTicks(lo, hi, 5);
  const parts = [
    `<text x="${M.left}" y="${y0 + 20}" font-size="14" font-weight="600">${p.title}</text>`,
    ...ticks.map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>` +
        `<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#555">${fmt(t)}</text>`,
    ),
    `<text x="14" y="${y0 + H / 2}" font-size="11" fill="#555" transform="rotate(-90 14 ${y0 + H / 2})" text-anchor="middle">${p.unit}</text>`,
    `<line x1="${x(n0 - 0.5).toFixed(1)}" x2="${x(n0 - 0.5).toFixed(1)}" y1="${y0 + M.top}" y2="${y0 + H - M.bottom}" stroke="#999" stroke-dasharray="2 3"/>`,
    `<text x="${(x(n0 - 0.5) + 4).toFixed(1)}" y="${y0 + H - M.bottom + 14}" font-size="11" fill="#555">now</text>`,
    `<line x1="${x(n0 + p.horizon - 0.5).toFixed(1)}" x2="${x(n0 + p.horizon - 0.5).toFixed(1)}" y1="${y0 + M.top}" y2="${y0 + H - M.bottom}" stroke="#bbb" stroke-dasharray="2 3"/>`,
    `<text x="${(x(n0 + p.horizon - 0.5) + 4).toFixed(1)}" y="${y0 + H - M.bottom + 14}" font-size="11" fill="#555">scored horizon (${p.horizon})</text>`,
    `<polygon points="${band}" fill="#1f6feb" fill-opacity="0.15"/>`,
    `<path d="${line(p.context, 0)}" fill="none" stroke="#555" stroke-width="1.5"/>`,
    `<path d="M${x(n0 - 1).toFixed(1)},${y(last).toFixed(1)} ${line(p.truth, n0).replace(/^M/, 'L')}" fill="none" stroke="#111" stroke-width="2"/>`,
    `<path d="M${x(n0 - 1).toFixed(1)},${y(last).toFixed(1)} ${line(p.naive, n0).replace(/^M/, 'L')}" fill="none" stroke="#e8590c" stroke-width="1.5" stroke-dasharray="5 4"/>`,
    `<path d="M${x(n0 - 1).toFixed(1)},${y(last).toFixed(1)} ${line(p.model, n0).replace(/^M/, 'L')}" fill="none" stroke="#1f6feb" stroke-width="2"/>`,
  ];
  return parts.join('\n');
}

/** Renders panels stacked vertically, with one legend at the bottom. */
export function renderChart(panels: ChartPanel[]): string {
  const legendY = panels.length * H + 18;
  const legend = [
    ['#555', 'context', ''],
    ['#111', 'truth', ''],
    ['#1f6feb', 'model forecast (PatchTST, via the core model runtime)', ''],
    ['#e8590c', 'naive (last value)', '5 4'],
  ]
    .map(([color, label, dash], i) => {
      const lx = M.left + [0, 80, 150, 520][i]!;
      return `<line x1="${lx}" x2="${lx + 22}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/><text x="${lx + 27}" y="${legendY}" font-size="12">${label}</text>`;
    })
    .join('\n');
  const band = `<rect x="${M.left}" y="${legendY + 10}" width="22" height="10" fill="#1f6feb" fill-opacity="0.15"/><text x="${M.left + 27}" y="${legendY + 19}" font-size="12">10-90 % band (empirical quantiles)</text>`;
  const height = panels.length * H + 44;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${panels.map((p) => p.title).join('; ')}: model forecast against the truth</title>`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    ...panels.map((p, i) => renderPanel(p, i * H)),
    legend,
    band,
    '</svg>',
    '',
  ].join('\n');
}
