import * as echarts from 'echarts';

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
  const chart = echarts.init(null, null, {
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
      grid: { left: 56, right: 18, top: 48, bottom: 44 },
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
