import { raoToTao } from './report-charts.js';

/** Text formatting shared by the HTML report and the live dashboard, so both print numbers alike. */

/** A hotkey short enough for a table cell; the full key goes in the cell's title. */
export function shortKey(hotkey: string): string {
  return hotkey.length > 16 ? `${hotkey.slice(0, 8)}…${hotkey.slice(-6)}` : hotkey;
}

export function fmtTao(rao: bigint): string {
  return raoToTao(rao).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page style both pages share: readable at 960 px without sideways scrolling, contrast above
 * WCAG AA for every text colour used.
 */
export const PAGE_CSS = `*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:1.5rem;max-width:1400px;color:#1d2433;background:#fafbfc}
h1{margin:0 0 .2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dee6;padding-bottom:.3rem}
small{color:#4d5566;font-weight:normal;font-size:.8em}.empty{color:#4d5566}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,400px),1fr));gap:1rem;align-items:start}
figure{margin:0;background:#fff;border:1px solid #e3e7ee;border-radius:6px;padding:.5rem;min-width:0}
figure svg{display:block;width:100%;height:auto}
figcaption{text-align:center;color:#3d4455;font-size:.9em}
.table{max-width:100%;overflow-x:auto;margin-top:1rem}
table{border-collapse:collapse;background:#fff}th,td{padding:.25rem .6rem;border-bottom:1px solid #eef0f4;text-align:left;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}td.key{font-family:monospace;font-size:.85em;color:#4d5566}
tr.validator td,tr.owner td{background:#f3f7ff}`;
