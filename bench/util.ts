/** Shared helpers for benchmarks: each bench prints exactly one JSON line on stdout. */
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
