import { type EpochSnapshot, incentiveByProfile, type NetworkSummary } from './summary.js';

/**
 * A self-contained HTML report of a localnet run: incentive per miner profile over epochs,
 * emission per epoch and final stake, per subnet. Inline SVG, no scripts, no CDN.
 */
export function renderHtmlReport(
  summary: NetworkSummary,
  history: readonly EpochSnapshot[],
  title = 'Subnetkit localnet',
): string {
  const sections = summary.subnets.map((subnet) => {
    const rows = history.filter((h) => h.netuid === subnet.netuid);
    const profiles = [...new Set(subnet.neurons.filter((n) => n.role === 'miner').map((n) => n.profile))];
    const incentiveSeries = profiles.map((p) => ({
      label: p,
      points: rows.map((r) => incentiveByProfile(r.neurons)[p] ?? 0),
    }));
    const emissionSeries = [
      {
        label: 'miners',
        points: rows.map((r) => raoToTao(sum(r.neurons.filter((n) => n.role === 'miner').map((n) => n.emission)))),
      },
      {
        label: 'validators',
        points: rows.map((r) => raoToTao(sum(r.neurons.filter((n) => n.role !== 'miner').map((n) => n.emission)))),
      },
    ];
    const table = subnet.neurons
      .map(
        (n) =>
          `<tr class="${n.role}"><td>${n.uid}</td><td>${esc(n.role)}</td><td>${esc(n.profile)}</td><td class="num">${fmtTao(n.stake)}</td><td class="num">${n.incentive.toFixed(4)}</td><td class="num">${n.dividends.toFixed(4)}</td><td class="num">${fmtTao(n.emission)}</td><td class="num">${n.trust.toFixed(3)}</td><td>${n.validatorPermit ? 'yes' : ''}</td><td class="key">${esc(n.hotkey)}</td></tr>`,
      )
      .join('\n');
    return `<section>
<h2>Subnet ${subnet.netuid}: ${esc(subnet.name)} <small>${subnet.epochs} epochs</small></h2>
<div class="charts">
<figure>${lineChart(incentiveSeries, 'epoch', 'mean incentive')}<figcaption>Incentive per miner profile</figcaption></figure>
<figure>${lineChart(emissionSeries, 'epoch', 'alpha emitted')}<figcaption>Emission per epoch (miners vs validators)</figcaption></figure>
</div>
<table><thead><tr><th>uid</th><th>role</th><th>profile</th><th>stake (α)</th><th>incentive</th><th>dividends</th><th>emission (α)</th><th>trust</th><th>permit</th><th>hotkey</th></tr></thead>
<tbody>${table}</tbody></table>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2433;background:#fafbfc}
h1{margin:0 0 .2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dee6;padding-bottom:.3rem}
small{color:#667;font-weight:normal;font-size:.8em}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0;background:#fff;border:1px solid #e3e7ee;border-radius:6px;padding:.6rem}
figcaption{text-align:center;color:#445;font-size:.9em}
table{border-collapse:collapse;margin-top:1rem;background:#fff}th,td{padding:.25rem .6rem;border-bottom:1px solid #eef0f4;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.key{font-family:monospace;font-size:.8em;color:#667}
tr.validator td,tr.owner td{background:#f3f7ff}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Block ${summary.block} · total issuance ${fmtTao(summary.totalIssuance)} TAO · ${summary.subnets.length} subnets</p>
${sections.join('\n')}
</body></html>
`;
}

const COLORS = ['#1b7f3b', '#c0392b', '#8e44ad', '#d68910', '#2471a3', '#566573', '#17a589'];

function lineChart(series: { label: string; points: number[] }[], xLabel: string, yLabel: string): string {
  const w = 420;
  const h = 220;
  const pad = { l: 48, r: 90, t: 12, b: 32 };
  const n = Math.max(1, ...series.map((s) => s.points.length));
  const maxY = Math.max(1e-9, ...series.flatMap((s) => s.points));
  const x = (i: number) => pad.l + (n === 1 ? 0 : (i / (n - 1)) * (w - pad.l - pad.r));
  const y = (v: number) => h - pad.b - (v / maxY) * (h - pad.t - pad.b);
  // end labels sorted by height and pushed apart so that coinciding lines stay readable
  const labelY = new Map<number, number>();
  let previous = Number.NEGATIVE_INFINITY;
  for (const { k, y0 } of series
    .map((s, k) => ({ k, y0: s.points.length > 0 ? y(s.points.at(-1)!) : pad.t }))
    .sort((a, b) => a.y0 - b.y0)) {
    const placed = Math.max(y0, previous + 12);
    labelY.set(k, placed);
    previous = placed;
  }
  const lines = series
    .map((s, k) => {
      const color = COLORS[k % COLORS.length];
      const pts = s.points.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>${s.points
        .map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${color}"/>`)
        .join(
          '',
        )}<text x="${w - pad.r + 6}" y="${(labelY.get(k)! + 4).toFixed(1)}" fill="${color}" font-size="11">${esc(s.label)}</text>`;
    })
    .join('');
  const ticks = [0, 0.5, 1]
    .map(
      (f) =>
        `<text x="${pad.l - 6}" y="${y(maxY * f) + 4}" text-anchor="end" font-size="10" fill="#667">${fmtNum(maxY * f)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(yLabel)}">
<line x1="${pad.l}" y1="${h - pad.b}" x2="${w - pad.r}" y2="${h - pad.b}" stroke="#99a"/><line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${h - pad.b}" stroke="#99a"/>
${ticks}<text x="${(pad.l + w - pad.r) / 2}" y="${h - 6}" text-anchor="middle" font-size="11" fill="#445">${esc(xLabel)} (1…${n})</text>
<text x="12" y="${(h - pad.b) / 2}" font-size="11" fill="#445" transform="rotate(-90 12 ${(h - pad.b) / 2})" text-anchor="middle">${esc(yLabel)}</text>
${lines}</svg>`;
}

function sum(xs: readonly bigint[]): bigint {
  return xs.reduce((a, b) => a + b, 0n);
}

function raoToTao(rao: bigint): number {
  return Number(rao) / 1e9;
}

function fmtTao(rao: bigint): string {
  return raoToTao(rao).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

function fmtNum(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
