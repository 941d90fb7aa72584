import { studentTCdf, studentTQuantile } from '../../lib/distributions.js';
import type { MetricSums } from './analytics.repository.js';

/*
 * Statistics from SQL sums (n, Σx, Σx², Σy, Σy², Σxy) rather than from rows: the database
 * returns sums per group, these turn them into means, intervals and correlations. The
 * row-based helpers of src/lib cover what needs individual values (rank tests, bootstrap).
 */

/** Adds sums of disjoint groups: the sums of their union. */
export function addSums(a: MetricSums, b: MetricSums): MetricSums {
  return {
    n: a.n + b.n,
    sx: a.sx + b.sx,
    sxx: a.sxx + b.sxx,
    sy: a.sy + b.sy,
    syy: a.syy + b.syy,
    sxy: a.sxy + b.sxy,
  };
}

export const EMPTY_SUMS: MetricSums = { n: 0, sx: 0, sxx: 0, sy: 0, syy: 0, sxy: 0 };

/** Sample variance (n − 1) of y from its sums; clamped at 0 against rounding. */
export function sampleVariance(n: number, sum: number, sumSquares: number): number {
  if (n < 2) return Number.NaN;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

/**
 * Mean of y with its Student t interval (two-sided, `confidence`), from sums. The interval is
 * null below two values: one observation says nothing about its own uncertainty.
 */
export function meanWithInterval(
  n: number,
  sum: number,
  sumSquares: number,
  confidence = 0.95,
): { mean: number; sd: number | null; low: number | null; high: number | null } {
  const mean = sum / n;
  if (n < 2) return { mean, sd: null, low: null, high: null };
  const sd = Math.sqrt(sampleVariance(n, sum, sumSquares));
  const half = (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n);
  return { mean, sd, low: mean - half, high: mean + half };
}

/**
 * Pearson r of x and y from sums, with the two-sided p-value of H0: ρ = 0 (t = r√((n−2)/(1−r²)),
 * n − 2 degrees of freedom). null when either variable is constant or n < 3.
 */
export function correlationFromSums(s: MetricSums): { r: number; p_value: number } | null {
  if (s.n < 3) return null;
  const covariance = s.n * s.sxy - s.sx * s.sy;
  const varX = s.n * s.sxx - s.sx * s.sx;
  const varY = s.n * s.syy - s.sy * s.sy;
  // Relative thresholds: sums of a constant leave rounding noise, not zero.
  if (varX <= 1e-12 * s.n * s.sxx || varY <= 1e-12 * s.n * s.syy) return null;
  const r = Math.max(-1, Math.min(1, covariance / Math.sqrt(varX * varY)));
  const df = s.n - 2;
  if (Math.abs(r) >= 1) return { r, p_value: 0 };
  const t = r * Math.sqrt(df / (1 - r * r));
  return { r, p_value: 2 * (1 - studentTCdf(Math.abs(t), df)) };
}

/** Holm's step-down adjustment of p-values for several comparisons (same order as given). */
export function holmAdjust(pValues: number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (pValues.length - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** `p = 0.0123`, or `p < 0.0001` where rounding would print an impossible `p = 0`. */
export function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Math.round(p * 10_000) / 10_000}`;
}
