/** Shared helpers for benchmarks: each figure is one JSON line on stdout (`printFigure`). */
export function printResult(name: string, result: Record<string, unknown>): void {
  const line = JSON.stringify({ bench: name, node: process.version, ...result }, (_k, v) =>
    typeof v === 'bigint' ? v.toString() : v,
  );
  process.stdout.write(`${line}\n`);
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Percentile (0..100) of a list of numbers, nearest rank. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** One figure of a benchmark, next to a baseline measured in the same run (same machine, same load). */
export interface Figure {
  /** What is measured, e.g. "epoch ms, n=1024/128 dense, liquid alpha". */
  figure: string;
  unit: string;
  value: number;
  /** What the figure is compared with, and its value in this run. */
  baseline: string;
  baselineValue: number;
  /** value / baselineValue unless given (say so in `ratioMeans` when it is the other way round). */
  ratio?: number;
  ratioMeans?: string;
  /** The goal for `value`, when there is one (e.g. "<= 20"). */
  goal?: string;
  [extra: string]: unknown;
}

/** Prints one JSON line for one figure: the figure, its same-run baseline, and their ratio. */
export function printFigure(bench: string, f: Figure): void {
  const ratio = f.ratio ?? (f.baselineValue === 0 ? null : f.value / f.baselineValue);
  const line = JSON.stringify(
    { bench, ...f, ratio: ratio === null ? null : Number(ratio.toFixed(3)), node: process.version },
    (_k, v) => (typeof v === 'bigint' ? v.toString() : v),
  );
  process.stdout.write(`${line}\n`);
}
