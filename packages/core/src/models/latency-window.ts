/** The most recent `size` samples, for percentiles over recent calls in bounded memory. */
export class LatencyWindow {
  readonly #samples: number[] = [];
  readonly #size: number;
  #next = 0;

  constructor(size = 1024) {
    this.#size = size;
  }

  add(ms: number): void {
    if (this.#samples.length < this.#size) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#size;
  }

  /** Nearest-rank percentiles, or null before the first sample. */
  summary(): { p50: number; p99: number; max: number } | null {
    if (this.#samples.length === 0) return null;
    const s = [...this.#samples].sort((a, b) => a - b);
    const at = (p: number): number =>
      s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
    return { p50: at(50), p99: at(99), max: s[s.length - 1] as number };
  }
}
