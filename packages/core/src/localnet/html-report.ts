import { renderChartSvg } from './report-charts.js';
import { type EpochSnapshot, incentiveByProfile, type NetworkSummary } from './summary.js';

/**
 * A self-contained HTML report of a localnet: incentive per miner profile over epochs, emission
 * per epoch (miners next to validators) and the final metagraph, per subnet, over the whole
 * history kept in the data dir. Charts are SVG drawn by ECharts' server-side renderer; no
 * scripts, no CDN. The page fits a 960 px window without scrolling sideways.
 */
export function renderHtmlReport(
  summary: NetworkSummary,
  history: readonly EpochSnapshot[],
  title = 'Subnetkit localnet',
): string {
  const sections = summary.subnets.map((subnet) => {
    const rows = history.filter((h) => h.netuid === subnet.netuid && h.subnet === subnet.name);
    const epochs = rows.map((r) => r.epoch);
    const profiles = [...new Set(subnet.neurons.filter((n) => n.role === 'miner').map((n) => n.profile))];
    const charts =
      rows.length === 0
        ? '<p class="empty">No epoch recorded yet: the charts appear after the first epoch.</p>'
        : `<div class="charts">
<figure>${renderChartSvg({
            kind: 'line',
            x: epochs,
            xName: 'epoch',
            yName: 'mean incentive',
            series: profiles.map((p) => ({ name: p, values: rows.map((r) => incentiveByProfile(r.neurons)[p] ?? 0) })),
          })}<figcaption>Incentive per miner profile</figcaption></figure>
<figure>${renderChartSvg({
            kind: 'bar',
            x: epochs,
            xName: 'epoch',
            yName: 'α emitted',
            series: [
              { name: 'miners', values: rows.map((r) => emitted(r, (role) => role === 'miner')) },
              { name: 'validators + owner', values: rows.map((r) => emitted(r, (role) => role !== 'miner')) },
            ],
          })}<figcaption>Emission per epoch, miners next to validators</figcaption></figure>
</div>`;
    const table = subnet.neurons
      .map(
        (n) =>
          `<tr class="${n.role}"><td class="num">${n.uid}</td><td>${esc(n.role)}</td><td>${n.role === 'miner' ? esc(n.profile) : ''}</td><td class="num">${fmtTao(n.stake)}</td><td class="num">${n.incentive.toFixed(4)}</td><td class="num">${n.dividends.toFixed(4)}</td><td class="num">${fmtTao(n.emission)}</td><td class="num">${n.trust.toFixed(3)}</td><td>${n.validatorPermit ? 'yes' : ''}</td><td class="key" title="${esc(n.hotkey)}">${esc(shortKey(n.hotkey))}</td></tr>`,
      )
      .join('\n');
    return `<section>
<h2>Subnet ${subnet.netuid}: ${esc(subnet.name)} <small>${subnet.epochs} epochs</small></h2>
${charts}
<div class="table"><table><thead><tr><th>uid</th><th>role</th><th>profile</th><th>stake (α)</th><th>incentive</th><th>dividends</th><th>emission (α)</th><th>trust</th><th>permit</th><th>hotkey</th></tr></thead>
<tbody>${table}</tbody></table></div>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:1.5rem;max-width:1400px;color:#1d2433;background:#fafbfc}
h1{margin:0 0 .2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dee6;padding-bottom:.3rem}
small{color:#667;font-weight:normal;font-size:.8em}.empty{color:#667}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;background:#fff;border:1px solid #e3e7ee;border-radius:6px;padding:.5rem;flex:1 1 440px;max-width:100%;min-width:0}
figure svg{display:block;width:100%;height:auto}
figcaption{text-align:center;color:#445;font-size:.9em}
.table{max-width:100%;overflow-x:auto;margin-top:1rem}
table{border-collapse:collapse;background:#fff}th,td{padding:.25rem .6rem;border-bottom:1px solid #eef0f4;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.key{font-family:monospace;font-size:.85em;color:#667}
tr.validator td,tr.owner td{background:#f3f7ff}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Block ${summary.block} · total issuance ${fmtTao(summary.totalIssuance)} TAO · ${summary.subnets.length} subnets · ${history.length} epoch records</p>
${sections.join('\n')}
</body></html>
`;
}

/** α emitted in one epoch to the neurons whose role matches. */
function emitted(record: EpochSnapshot, role: (r: string) => boolean): number {
  return raoToTao(record.neurons.filter((n) => role(n.role)).reduce((a, n) => a + n.emission, 0n));
}

/** A hotkey short enough for a table cell; the full key is in the cell's title. */
function shortKey(hotkey: string): string {
  return hotkey.length > 16 ? `${hotkey.slice(0, 8)}…${hotkey.slice(-6)}` : hotkey;
}

function raoToTao(rao: bigint): number {
  return Number(rao) / 1e9;
}

function fmtTao(rao: bigint): string {
  return raoToTao(rao).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
