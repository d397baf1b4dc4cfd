import {
  type ChartSpec,
  type HeatmapSpec,
  historyCharts,
  renderChartSvg,
  renderHeatmapSvg,
} from '../localnet/report-charts.js';
import { esc, fmtTao, PAGE_CSS, shortKey } from '../localnet/report-format.js';
import type { EpochSnapshot } from '../localnet/summary.js';
import { CLIENT_SCRIPT } from './client.js';
import { COLUMNS, rowHtml, sortNeurons } from './columns.js';
import type { DashboardSnapshot, DashboardSubnet } from './snapshot.js';
import type { Observation } from './source.js';

export interface SortOrder {
  key: string;
  order: 'asc' | 'desc';
}

/** Extra style of the dashboard on top of the report's. */
const DASHBOARD_CSS = `header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4rem 1.2rem;border-bottom:2px solid #1d2433;padding-bottom:.6rem}
header.top h1{font-size:1.5rem;flex:1 1 auto}
.pill{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.85em;border:1px solid #8a93a6;color:#1d2433;background:#fff}
.pill.live{border-color:#007a4d;color:#005c3a;background:#e9f7f0}
nav.subnets a{margin-right:.8rem}
a{color:#0b57a4}
.stats{display:flex;flex-wrap:wrap;gap:.6rem;margin:.6rem 0 1rem;padding:0;list-style:none}
.stats li{background:#fff;border:1px solid #e3e7ee;border-radius:6px;padding:.35rem .8rem;min-width:8rem}
.stats b{display:block;font-size:1.15rem;font-variant-numeric:tabular-nums}
.stats span{color:#4d5566;font-size:.85em}
.table table{width:100%}
@media (max-width:1100px){th,td{padding:.25rem .4rem}}
th a{color:inherit;text-decoration:none}th a:hover,th a:focus{text-decoration:underline}
th[aria-sort=ascending] a::after{content:" ▲"}th[aria-sort=descending] a::after{content:" ▼"}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;border:1px solid #e3e7ee;border-radius:6px;padding:.8rem 1rem}
dl.facts dt{color:#4d5566}dl.facts dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}`;

function page(title: string, body: string, block: number, readOnly: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
${PAGE_CSS}
${DASHBOARD_CSS}
</style></head><body>
<header class="top"><h1><a href="/" style="color:inherit;text-decoration:none">${esc(title)}</a></h1>
<span>block <b id="block" aria-live="polite">${block}</b></span>
<span class="pill" id="live-status" role="status">${readOnly ? 'read-only · ' : ''}static page</span></header>
<main>
${body}
</main>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

/** The overview: per subnet its stats, history charts, weights heat map and sortable metagraph. */
export function overviewPage(
  title: string,
  snap: DashboardSnapshot,
  history: readonly EpochSnapshot[],
  sort: SortOrder,
  readOnly: boolean,
): string {
  const nav =
    snap.subnets.length > 1
      ? `<nav class="subnets" aria-label="Subnets">${snap.subnets.map((s) => `<a href="#subnet-${s.netuid}">${s.netuid}: ${esc(s.name)}</a>`).join('')}</nav>`
      : '';
  const sections = snap.subnets.map((s) => subnetSection(s, snap.block, history, sort)).join('\n');
  const body = `<p>Total issuance ${fmtTao(snap.totalIssuance)} TAO · ${snap.subnets.length} subnet${snap.subnets.length === 1 ? '' : 's'} · ${history.length} epoch records</p>
${nav}
${sections || '<p class="empty">No subnet on this chain yet.</p>'}`;
  return page(title, body, snap.block, readOnly);
}

function stats(s: DashboardSubnet, block: number): string {
  const next = s.nextEpochBlock;
  return `<ul class="stats" aria-label="Subnet ${s.netuid} status">
<li><b data-live="next-epoch">${next === null ? '—' : next}</b><span>next epoch <span data-live="epoch-in">${next === null ? '' : `(in ${Math.max(0, next - block)} blocks)`}</span></span></li>
<li><b data-live="epochs">${s.epochs}</b><span>epochs recorded</span></li>
<li><b>${s.tempo}</b><span>tempo (blocks)</span></li>
<li><b data-live="neurons">${s.neurons.length}</b><span>neurons</span></li>
</ul>`;
}

function subnetSection(s: DashboardSubnet, block: number, history: readonly EpochSnapshot[], sort: SortOrder): string {
  const head = COLUMNS.map((c) => {
    const active = c.key === sort.key;
    const next = active && sort.order === 'asc' ? 'desc' : active ? 'asc' : c.numeric ? 'desc' : 'asc';
    const aria = active ? ` aria-sort="${sort.order === 'asc' ? 'ascending' : 'descending'}"` : '';
    return `<th scope="col"${aria}><a href="?sort=${c.key}&amp;order=${next}#subnet-${s.netuid}" data-sort="${c.key}">${esc(c.label)}</a></th>`;
  }).join('');
  const rows = sortNeurons(s.neurons, sort.key, sort.order)
    .map((n) => rowHtml(s.netuid, n))
    .join('\n');
  return `<section id="subnet-${s.netuid}" data-netuid="${s.netuid}" data-epochs="${s.epochs}" aria-labelledby="h-subnet-${s.netuid}">
<h2 id="h-subnet-${s.netuid}">Subnet ${s.netuid}: ${esc(s.name)}</h2>
${stats(s, block)}
<div class="charts" id="charts-${s.netuid}">
${chartsHtml(s, history)}
</div>
<div class="table"><table aria-label="Metagraph of subnet ${s.netuid}"><thead><tr>${head}</tr></thead>
<tbody>${rows}</tbody></table></div>
</section>`;
}

/**
 * Rendered SVGs by their spec. A chart changes only when an epoch lands or weights change, but
 * every page view and every live refresh of the charts asks for it again, and one ECharts render
 * costs tens of milliseconds of CPU (most of the dashboard's). Bounded: the oldest entry goes first.
 */
const SVG_CACHE_LIMIT = 64;
const svgCache = new Map<string, string>();

function cachedSvg(kind: 'chart' | 'heatmap', spec: ChartSpec | HeatmapSpec, render: () => string): string {
  // non-finite numbers are tagged: JSON would write NaN and Infinity as null, another chart
  const key = `${kind}:${JSON.stringify(spec, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v))}`;
  const hit = svgCache.get(key);
  if (hit !== undefined) return hit;
  const svg = render();
  if (svgCache.size >= SVG_CACHE_LIMIT) svgCache.delete(svgCache.keys().next().value as string);
  svgCache.set(key, svg);
  return svg;
}

const chartSvg = (spec: ChartSpec): string => cachedSvg('chart', spec, () => renderChartSvg(spec));
const heatmapSvg = (spec: HeatmapSpec): string => cachedSvg('heatmap', spec, () => renderHeatmapSvg(spec));

function figure(svg: string, caption: string): string {
  return `<figure role="group" aria-label="${esc(caption)}">${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** The subnet's charts: the report's history charts, then the validators' weights heat map. */
export function chartsHtml(s: DashboardSubnet, history: readonly EpochSnapshot[]): string {
  const rows = history.filter((h) => h.netuid === s.netuid && h.subnet === s.name);
  const profiles = [...new Set(s.neurons.filter((n) => n.role === 'miner' && n.profile).map((n) => n.profile))];
  const charts =
    rows.length === 0
      ? ['<p class="empty">No epoch recorded yet: the history charts appear after the first epoch.</p>']
      : historyCharts(rows, profiles).map((c) => figure(chartSvg(c.spec), c.caption));
  const heat =
    s.weights.length === 0
      ? '<p class="empty">No validator has set weights yet.</p>'
      : figure(
          heatmapSvg({
            x: s.neurons.map((n) => String(n.uid)),
            y: s.weights.map((w) => `validator ${w.uid}`),
            values: s.weights.map((w) => w.row),
            xName: 'uid weighted',
            yName: '',
          }),
          'Validator weights (share of each validator’s weight per uid)',
        );
  return [...charts, heat].join('\n');
}

/** One neuron: what the chain says, its history per epoch, and validators' scores of its answers. */
export function neuronPage(
  title: string,
  snap: DashboardSnapshot,
  s: DashboardSubnet,
  uid: number,
  history: readonly EpochSnapshot[],
  observations: readonly Observation[],
  readOnly: boolean,
): string {
  const n = s.neurons.find((x) => x.uid === uid)!;
  const rows = history.filter((h) => h.netuid === s.netuid && h.subnet === s.name);
  const mine = rows.map((r) => r.neurons.find((x) => x.hotkey === n.hotkey));
  const epochs = rows.filter((_, i) => mine[i]).map((r) => r.epoch);
  const kept = mine.filter((x) => x !== undefined);
  const facts: [string, string][] = [
    ['subnet', `${s.netuid}: ${s.name}`],
    ['role', n.role + (n.role === 'miner' && n.profile ? ` (${n.profile})` : '')],
    ['hotkey', n.hotkey],
    ['coldkey', n.coldkey],
    ['stake', `${fmtTao(n.stake)} α`],
    ['registered at block', String(n.registeredAt)],
    ['last update (block)', String(n.lastUpdate)],
    ['axon', n.axon ?? 'not served'],
    ['incentive', n.incentive.toFixed(4)],
    ['dividends', n.dividends.toFixed(4)],
    ['emission (last epoch)', `${fmtTao(n.emission)} α`],
    ['trust', n.trust.toFixed(3)],
    ['validator permit', n.validatorPermit ? 'yes' : 'no'],
  ];
  const charts: string[] = [];
  if (kept.length > 0) {
    charts.push(
      figure(
        chartSvg({
          kind: 'line',
          x: epochs,
          xName: 'epoch',
          yName: 'score',
          series: [
            { name: 'incentive', values: kept.map((x) => x.incentive) },
            { name: 'dividends', values: kept.map((x) => x.dividends) },
            { name: 'trust', values: kept.map((x) => x.trust) },
          ],
        }),
        'Incentive, dividends and trust per epoch',
      ),
    );
  }
  const scored = observations.filter((o) => o.reward !== undefined);
  const validators = [...new Set(observations.map((o) => o.validator))].sort((a, b) => a - b);
  const blocks = [...new Set(observations.map((o) => o.block))].sort((a, b) => a - b);
  const series = (pick: (o: Observation) => number | undefined) =>
    validators.map((v) => ({
      name: `validator ${v}`,
      values: blocks.map((b) => {
        const o = observations.find((x) => x.validator === v && x.block === b);
        return o === undefined ? Number.NaN : (pick(o) ?? Number.NaN);
      }),
    }));
  if (scored.length > 0) {
    charts.push(
      figure(
        chartSvg({ kind: 'line', x: blocks, xName: 'block', yName: 'reward', series: series((o) => o.reward) }),
        'Scores of its answers, as each validator rewarded them',
      ),
    );
  }
  if (observations.some((o) => o.latencyMs !== undefined)) {
    charts.push(
      figure(
        chartSvg({ kind: 'line', x: blocks, xName: 'block', yName: 'ms', series: series((o) => o.latencyMs) }),
        'Latency of its answers (round trip seen by each validator)',
      ),
    );
  }
  const latencies = observations.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs])).sort((a, b) => a - b);
  if (latencies.length > 0) {
    facts.push([
      'latency p50 / max',
      `${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} / ${latencies.at(-1)!.toFixed(0)} ms (${latencies.length} answers)`,
    ]);
  }
  const body = `<p><a href="/#subnet-${s.netuid}">← subnet ${s.netuid}: ${esc(s.name)}</a></p>
<h2>Neuron ${uid} <small>${esc(shortKey(n.hotkey))}</small></h2>
<dl class="facts" aria-label="Neuron ${uid}">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<div class="charts" style="margin-top:1rem">
${charts.join('\n') || '<p class="empty">Nothing recorded for this neuron yet: charts appear after its first epoch or scored answer.</p>'}
</div>
${observations.length === 0 ? '<p class="empty">Validators’ scores of its answers show when this dashboard runs inside the localnet.</p>' : ''}`;
  return page(`${title} · neuron ${uid}`, body, snap.block, readOnly);
}

/** The page of an error (not found, bad uid): the coded line, a way back. */
export function errorPage(title: string, code: string, message: string): string {
  return page(title, `<h2>${esc(code)}</h2><p>${esc(message)}</p><p><a href="/">Back to the network</a></p>`, 0, false);
}
