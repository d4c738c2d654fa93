/**
 * Latency samples in a preallocated buffer: a 30 s run at a few thousand per second is well under a
 * million samples, and keeping every one gives exact percentiles instead of histogram buckets.
 */
export class Samples {
  private values: Float64Array;
  private n = 0;

  constructor(
    initialCapacity = 65_536,
    private readonly maxCapacity = 20_000_000,
  ) {
    this.values = new Float64Array(initialCapacity);
  }

  get count(): number {
    return this.n;
  }

  add(value: number): void {
    if (this.n === this.values.length) {
      if (this.values.length >= this.maxCapacity) throw new RangeError(`more than ${this.maxCapacity} samples`);
      const grown = new Float64Array(Math.min(this.maxCapacity, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n] = value;
    this.n += 1;
  }

  summary(): Summary {
    return summarize(this.values.subarray(0, this.n));
  }
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile on sorted values (p in 0..100): the smallest value with p% at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const v of sorted) total += v;
  return {
    count: sorted.length,
    mean: sorted.length ? total / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}
