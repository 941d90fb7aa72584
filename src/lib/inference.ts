/**
 * Inference helpers for comparing groups of quality scores: confidence intervals (Student t
 * and percentile bootstrap), rank tests (Mann–Whitney U, Wilcoxon signed-rank) and effect
 * sizes. Pure, no dependencies, no I/O; deterministic for a given seed.
 */
import { normalCdf, studentTQuantile } from './distributions.js';
import { createRng } from './random.js';
import { mean, quantileOfSorted, sampleStandardDeviation } from './stats.js';

/** Options shared by the bootstrap helpers. */
export interface BootstrapOptions {
  /** Number of resamples drawn (default 2000). */
  resamples?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  confidence?: number;
  /** PRNG seed: the same seed and input always give the same interval (default 1). */
  seed?: number;
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  }
}

function assertSameLength(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) {
    throw new RangeError(`paired samples must have the same length (${a.length} vs ${b.length})`);
  }
}

/** Student t confidence interval for the mean; null below two values. */
export function meanConfidenceInterval(
  values: readonly number[],
  confidence = 0.95,
): { mean: number; low: number; high: number; n: number } | null {
  assertConfidence(confidence);
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values);
  const halfWidth =
    (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sampleStandardDeviation(values)) /
    Math.sqrt(n);
  return { mean: m, low: m - halfWidth, high: m + halfWidth, n };
}

/**
 * Percentile bootstrap confidence interval for any statistic (default: the mean). Resamples
 * whose statistic is not finite (e.g. a SD of one value) are left out of the percentiles;
 * null for empty input or when no resample gives a finite statistic.
 *
 * For speed the statistic receives one reused buffer: it must not keep a reference to it.
 */
export function bootstrapConfidenceInterval(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number = mean,
  options: BootstrapOptions = {},
): { estimate: number; low: number; high: number } | null {
  const { resamples = 2000, confidence = 0.95, seed = 1 } = options;
  assertConfidence(confidence);
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  const n = values.length;
  if (n === 0) return null;
  const rng = createRng(seed);
  const sample = new Array<number>(n);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < n; i += 1) sample[i] = values[Math.floor(rng() * n)]!;
    const s = statistic(sample);
    if (Number.isFinite(s)) stats.push(s);
  }
  if (stats.length === 0) return null;
  stats.sort((x, y) => x - y);
  const alpha = 1 - confidence;
  return {
    estimate: statistic(values),
    low: quantileOfSorted(stats, alpha / 2),
    high: quantileOfSorted(stats, 1 - alpha / 2),
  };
}

/**
 * Rank sum of `subset` within `all` (1-based ranks, ties sharing their average rank) and the
 * tie term Σ(t³ − t) over the tie groups of `all`, which both rank tests' variances need.
 * Both arrays are ascending and `subset` is a sub-multiset of `all`. Working on natively
 * sorted Float64Arrays in one merge pass keeps 10⁵–10⁶ values well under a second, where
 * ranking with a comparator sort and a Map of tie counts took seconds.
 */
function subsetRankSum(
  all: Float64Array,
  subset: Float64Array,
): { rankSum: number; tieTerm: number } {
  let rankSum = 0;
  let tieTerm = 0;
  let j = 0;
  for (let i = 0; i < all.length;) {
    const value = all[i]!;
    let k = i;
    while (k + 1 < all.length && all[k + 1] === value) k += 1;
    const t = k - i + 1;
    tieTerm += t * t * t - t;
    let inSubset = 0;
    while (j < subset.length && subset[j] === value) {
      inSubset += 1;
      j += 1;
    }
    rankSum += inSubset * ((i + k) / 2 + 1);
    i = k + 1;
  }
  return { rankSum, tieTerm };
}

function sortedCopy(values: Iterable<number>): Float64Array {
  const sorted = Float64Array.from(values);
  for (const v of sorted) {
    if (Number.isNaN(v)) throw new RangeError('rank tests need numbers, got NaN');
  }
  return sorted.sort();
}

function twoSidedP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/**
 * Mann–Whitney U test (two-sided, normal approximation with tie and continuity correction,
 * as scipy's `mannwhitneyu(method="asymptotic")` and R's `wilcox.test(exact = FALSE)`).
 * `u` is the statistic of `a`: pairs where a wins plus half the ties. `z` is signed (positive
 * when a tends to be larger); `effect_size` is the rank-biserial correlation 2U/(n1·n2) − 1.
 * null when either side is empty.
 */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
): { u: number; z: number; p_value: number; effect_size: number; n1: number; n2: number } | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return null;
  const sortedA = sortedCopy(a);
  const all = sortedCopy([...a, ...b]);
  const { rankSum, tieTerm } = subsetRankSum(all, sortedA);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const expected = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const deviation = u - expected;
  // Continuity correction shrinks |U − E[U]| by ½ but never flips its sign.
  const corrected = Math.sign(deviation) * Math.max(Math.abs(deviation) - 0.5, 0);
  const z = variance > 0 ? corrected / Math.sqrt(variance) : 0;
  return { u, z, p_value: twoSidedP(z), effect_size: (2 * u) / (n1 * n2) - 1, n1, n2 };
}

/**
 * Wilcoxon signed-rank test for paired samples (two-sided). Zero differences are dropped
 * (Wilcoxon's method), tied |differences| share average ranks, and the p-value uses the
 * normal approximation with the tie-corrected variance and no continuity correction (scipy's
 * `wilcoxon(method="approx")` default). `w` is W+, the rank sum of positive differences
 * (R's V); `effect_size` is the matched-pairs rank-biserial (W+ − W−)/(W+ + W−), positive
 * when a > b. Throws RangeError for unequal lengths; null when every difference is zero.
 */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
): { w: number; z: number; p_value: number; effect_size: number; n: number } | null {
  assertSameLength(a, b);
  const magnitudes: number[] = [];
  const positive: number[] = [];
  for (let i = 0; i < a.length; i += 1) {
    const d = a[i]! - b[i]!;
    if (d === 0) continue;
    magnitudes.push(Math.abs(d));
    if (d > 0) positive.push(d);
  }
  const n = magnitudes.length;
  if (n === 0) return null;
  const { rankSum: wPlus, tieTerm } = subsetRankSum(sortedCopy(magnitudes), sortedCopy(positive));
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = variance > 0 ? (wPlus - total / 2) / Math.sqrt(variance) : 0;
  return { w: wPlus, z, p_value: twoSidedP(z), effect_size: (wPlus - wMinus) / total, n };
}

/**
 * Mean of the paired differences a − b with a percentile bootstrap interval (pairs are
 * resampled together). Throws RangeError for unequal lengths; null for empty input.
 */
export function pairedBootstrapDifference(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): { mean_difference: number; low: number; high: number } | null {
  assertSameLength(a, b);
  const diffs = a.map((v, i) => v - b[i]!);
  const ci = bootstrapConfidenceInterval(diffs, mean, options);
  return ci && { mean_difference: ci.estimate, low: ci.low, high: ci.high };
}

/**
 * Cohen's d with the pooled standard deviation (n − 1 weighting). NaN when undefined: an
 * empty side, fewer than three values in total, or zero pooled spread.
 */
export function cohensD(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0 || n1 + n2 < 3) return Number.NaN;
  const m1 = mean(a);
  const m2 = mean(b);
  let ss = 0;
  for (const v of a) ss += (v - m1) ** 2;
  for (const v of b) ss += (v - m2) ** 2;
  const pooled = Math.sqrt(ss / (n1 + n2 - 2));
  return pooled > 0 ? (m1 - m2) / pooled : Number.NaN;
}
