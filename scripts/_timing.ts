/** The benchmarks' one timer: medians of repeated runs (scripts/bench.ts and its `_bench_*.ts` parts). */

/** The median of some numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `f` `warmup` times untimed, then `runs` times, and returns the median time in ms. */
export async function time(runs: number, warmup: number, f: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < warmup; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** Rounds to three decimals (the bench's figures). */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
