import { historyCharts, renderChartSvg } from './report-charts.js';
import { esc, fmtTao, PAGE_CSS, shortKey } from './report-format.js';
import type { EpochSnapshot, NetworkSummary } from './summary.js';

/**
 * A self-contained HTML report of a localnet: incentive per miner profile over epochs, emission
 * per epoch (miners next to validators), incentive and emission per uid, and the final
 * metagraph, per subnet, over the whole history kept in the data dir (the same charts as the
 * live dashboard: see `historyCharts`). Charts are SVG drawn by ECharts' server-side renderer; no
 * scripts, no CDN. The page fits a 960 px window without scrolling sideways.
 */
export function renderHtmlReport(
  summary: NetworkSummary,
  history: readonly EpochSnapshot[],
  title = 'Subnetkit localnet',
): string {
  const sections = summary.subnets.map((subnet) => {
    const rows = history.filter((h) => h.netuid === subnet.netuid && h.subnet === subnet.name);
    const profiles = [...new Set(subnet.neurons.filter((n) => n.role === 'miner').map((n) => n.profile))];
    const charts =
      rows.length === 0
        ? '<p class="empty">No epoch recorded yet: the charts appear after the first epoch.</p>'
        : `<div class="charts">
${historyCharts(rows, profiles)
  .map((c) => `<figure>${renderChartSvg(c.spec)}<figcaption>${esc(c.caption)}</figcaption></figure>`)
  .join('\n')}
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
${PAGE_CSS}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Block ${summary.block} · total issuance ${fmtTao(summary.totalIssuance)} TAO · ${summary.subnets.length} subnets · ${history.length} epoch records</p>
${sections.join('\n')}
</body></html>
`;
}
