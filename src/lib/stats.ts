/**
 * Small, pure statistics helpers (correlation and summaries) shared by the quality engine,
 * its benchmarks and the experiment statistics. No dependencies, no I/O.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median; NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Population standard deviation; NaN for an empty list. */
export function standardDeviation(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = mean(values);
  let acc = 0;
  for (const v of values) acc += (v - m) ** 2;
  return Math.sqrt(acc / values.length);
}

/**
 * 1-based fractional ranks: tied values share the mean of the ranks they span
 * (so [10, 20, 20, 30] → [1, 2.5, 2.5, 4]), as Spearman's rho requires.
 */
export function rank(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j += 1;
    const shared = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) ranks[order[k]![1]] = shared;
    i = j + 1;
  }
  return ranks;
}

/**
 * Pearson product-moment correlation. NaN when the lists differ in length, have fewer than
 * two items, or either side is constant (correlation is undefined there, not zero).
 */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) return Number.NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rank correlation: Pearson over tie-averaged ranks. NaN where Pearson is. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length || xs.length < 2) return Number.NaN;
  return pearson(rank(xs), rank(ys));
}

/** True when every value equals the first (or there are none). */
export function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

/** Sample standard deviation (Bessel's n − 1 denominator); NaN below two values. */
export function sampleStandardDeviation(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let acc = 0;
  for (const v of values) acc += (v - m) ** 2;
  return Math.sqrt(acc / (values.length - 1));
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of R's `quantile` and numpy's `percentile`). NaN for an empty list or when q is
 * outside [0, 1].
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return quantileOfSorted(sorted, q);
}

/**
 * Type-7 quantile of an already ascending-sorted list, for callers that take several
 * quantiles of one sample and sort it once.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
