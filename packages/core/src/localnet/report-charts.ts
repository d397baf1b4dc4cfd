import { createRequire } from 'node:module';
import type * as Echarts from 'echarts';
import { type EpochSnapshot, incentiveByProfile } from './summary.js';

// ECharts is ~600 ESM modules; loading it with core cost every process (CLI --help included) a
// large share of its start-up. It is required on first render instead: its CommonJS entry is one
// bundled file, and require keeps the render functions synchronous.
let echartsModule: typeof Echarts | undefined;
function echarts(): typeof Echarts {
  echartsModule ??= createRequire(import.meta.url)('echarts') as typeof Echarts;
  return echartsModule;
}

/** One line or bar series of a report chart. */
export interface ChartSeries {
  name: string;
  values: number[];
}

export interface ChartSpec {
  kind: 'line' | 'bar';
  /** x categories (epoch numbers). */
  x: (string | number)[];
  series: ChartSeries[];
  xName: string;
  yName: string;
  width?: number;
  height?: number;
}

/** Colour-blind-safe (Okabe–Ito) palette; dashes tell lines apart where colours do not. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['solid', 'dashed', 'dotted'] as const;
const SYMBOLS = ['circle', 'triangle', 'rect', 'diamond', 'roundRect', 'pin', 'arrow'];

/**
 * Renders a chart to an SVG string with Apache ECharts' server-side renderer: no DOM, no
 * scripts in the page, nothing fetched. The legend sits above the plot (no end labels that
 * could fall under an axis), and each series has its own colour, dash and symbol, so lines
 * that coincide are still told apart.
 */
export function renderChartSvg(spec: ChartSpec): string {
  const chart = echarts().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: spec.width ?? 440,
    height: spec.height ?? 260,
  });
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      legend: { top: 0, type: 'plain', itemWidth: 22 },
      grid: { left: 56, right: 18, top: 24 + 24 * legendRows(spec), bottom: 44 },
      xAxis: {
        type: 'category',
        data: spec.x.map(String),
        name: spec.xName,
        nameLocation: 'middle',
        nameGap: 28,
        boundaryGap: spec.kind === 'bar',
      },
      yAxis: {
        type: 'value',
        name: spec.yName,
        nameLocation: 'middle',
        nameGap: 42,
        min: 0,
        axisLabel: { formatter: (v: number) => formatTick(v) },
      },
      series: spec.series.map((s, k) =>
        spec.kind === 'line'
          ? {
              type: 'line',
              name: s.name,
              data: s.values,
              symbol: SYMBOLS[k % SYMBOLS.length],
              symbolSize: 6,
              lineStyle: { width: 2, type: DASHES[k % DASHES.length] },
            }
          : { type: 'bar', name: s.name, data: s.values, barGap: '10%' },
      ),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Axis ticks people read: no exponent notation for the tiny ranges of an idle subnet. */
function formatTick(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2).replace(/\.?0+$/, '');
}

/** Rows the legend wraps into (about 7 px per character, plus the symbol and gaps), so the plot starts below it. */
function legendRows(spec: ChartSpec): number {
  const width = (spec.width ?? 440) - 20;
  let rows = 1;
  let used = 0;
  for (const s of spec.series) {
    const item = 22 + 5 + 7 * s.name.length + 10;
    if (used > 0 && used + item > width) {
      rows++;
      used = 0;
    }
    used += item;
  }
  return rows;
}

/** A heat map: one row per `y` category, one column per `x` category, cell values in [0, 1]. */
export interface HeatmapSpec {
  x: string[];
  y: string[];
  /** values[row][column] */
  values: number[][];
  xName: string;
  yName: string;
  width?: number;
  height?: number;
}

/**
 * Renders a heat map to SVG with the same server-side renderer (validator weights: who rates
 * whom). One sequential colour scale (light to dark blue) readable without colour vision for hue.
 */
export function renderHeatmapSvg(spec: HeatmapSpec): string {
  const chart = echarts().init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: spec.width ?? 440,
    height: spec.height ?? Math.max(180, 110 + 26 * spec.y.length),
  });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      grid: { left: 96, right: 18, top: 14, bottom: 80 },
      xAxis: {
        type: 'category',
        data: spec.x,
        name: spec.xName,
        nameLocation: 'middle',
        nameGap: 26,
        splitArea: { show: true },
      },
      yAxis: { type: 'category', data: spec.y, name: spec.yName, nameLocation: 'end', splitArea: { show: true } },
      visualMap: {
        min: 0,
        max: 1,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 140,
        text: ['1', '0'],
        inRange: { color: ['#f1f5fb', '#6baed6', '#08306b'] },
      },
      series: [
        {
          type: 'heatmap',
          data: spec.values.flatMap((row, y) => row.map((v, x) => [x, y, Number(v.toFixed(4))])),
          // values printed in the cells while they stay legible
          label: {
            show: spec.x.length <= 16,
            fontSize: 10,
            formatter: (p: { value: number[] }) => (p.value[2]! > 0 ? p.value[2]!.toFixed(2).replace(/^0/, '') : ''),
          },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One chart of the epoch history, as the report and the dashboard both show it. */
export interface HistoryChart {
  id: string;
  caption: string;
  spec: ChartSpec;
}

/** Label of a uid in legends: its profile where known ("uid 3 honest"). */
function uidLabel(uid: number, profile: string): string {
  return profile && profile !== 'external' ? `uid ${uid} ${profile}` : `uid ${uid}`;
}

/**
 * The charts of one subnet's epoch history (records of that subnet, oldest first), the one
 * source the HTML report and the live dashboard draw from: mean incentive per miner profile,
 * emission per epoch for miners next to validators, and incentive and emission per uid.
 */
export function historyCharts(rows: readonly EpochSnapshot[], profiles: readonly string[]): HistoryChart[] {
  const epochs = rows.map((r) => r.epoch);
  const last = rows.at(-1)?.neurons ?? [];
  const miners = last.filter((n) => n.role === 'miner');
  const uidValue = (r: EpochSnapshot, uid: number, f: (n: EpochSnapshot['neurons'][number]) => number) => {
    const n = r.neurons.find((x) => x.uid === uid);
    return n ? f(n) : 0;
  };
  return [
    {
      id: 'incentive-by-profile',
      caption: 'Incentive per miner profile',
      spec: {
        kind: 'line',
        x: epochs,
        xName: 'epoch',
        yName: 'mean incentive',
        series: profiles.map((p) => ({ name: p, values: rows.map((r) => incentiveByProfile(r.neurons)[p] ?? 0) })),
      },
    },
    {
      id: 'emission-by-role',
      caption: 'Emission per epoch, miners next to validators',
      spec: {
        kind: 'bar',
        x: epochs,
        xName: 'epoch',
        yName: 'α emitted',
        series: [
          { name: 'miners', values: rows.map((r) => emitted(r, (role) => role === 'miner')) },
          { name: 'validators + owner', values: rows.map((r) => emitted(r, (role) => role !== 'miner')) },
        ],
      },
    },
    {
      id: 'incentive-by-uid',
      caption: 'Incentive per miner uid',
      spec: {
        kind: 'line',
        x: epochs,
        xName: 'epoch',
        yName: 'incentive',
        series: miners.map((m) => ({
          name: uidLabel(m.uid, m.profile),
          values: rows.map((r) => uidValue(r, m.uid, (n) => n.incentive)),
        })),
      },
    },
    {
      id: 'emission-by-uid',
      caption: 'Emission per uid and epoch',
      spec: {
        kind: 'line',
        x: epochs,
        xName: 'epoch',
        yName: 'α emitted',
        series: last.map((n) => ({
          name: n.role === 'miner' ? uidLabel(n.uid, n.profile) : `uid ${n.uid} ${n.role}`,
          values: rows.map((r) => uidValue(r, n.uid, (x) => raoToTao(x.emission))),
        })),
      },
    },
  ];
}

/** α emitted in one epoch to the neurons whose role matches. */
export function emitted(record: EpochSnapshot, role: (r: string) => boolean): number {
  return raoToTao(record.neurons.filter((n) => role(n.role)).reduce((a, n) => a + n.emission, 0n));
}

export function raoToTao(rao: bigint): number {
  return Number(rao) / 1e9;
}
