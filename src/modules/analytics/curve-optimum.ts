import { evaluatePolynomial } from '../../lib/regression.js';

/** Resolution of the search for where a fitted curve crosses a level. */
const SCAN_STEPS = 400;

/**
 * The maximum of a fitted quadratic c0 + c1·x + c2·x² on [min, max]: its vertex when the
 * curve opens downwards and the vertex lies inside the tested range, else the better end.
 * Never extrapolates: an optimum outside the data is reported at the boundary, flagged.
 */
export function optimumOf(
  coefficients: readonly number[],
  min: number,
  max: number,
): { x: number; y: number; atBoundary: boolean } {
  const c1 = coefficients[1] ?? 0;
  const c2 = coefficients[2] ?? 0;
  if (c2 < 0) {
    const vertex = -c1 / (2 * c2);
    if (vertex > min && vertex < max) {
      return { x: vertex, y: evaluatePolynomial(coefficients, vertex), atBoundary: false };
    }
  }
  const atMin = evaluatePolynomial(coefficients, min);
  const atMax = evaluatePolynomial(coefficients, max);
  return atMax >= atMin
    ? { x: max, y: atMax, atBoundary: true }
    : { x: min, y: atMin, atBoundary: true };
}

/**
 * The contiguous range around `at` where the fitted curve stays at or above `level` (the
 * "within one standard error of the best" range when level = best − SE), clamped to [min, max].
 */
export function withinOfBest(
  coefficients: readonly number[],
  min: number,
  max: number,
  at: number,
  level: number,
): { min: number; max: number } {
  const step = (max - min) / SCAN_STEPS;
  if (step === 0) return { min, max };
  let lo = at;
  while (lo - step >= min - 1e-12 && evaluatePolynomial(coefficients, lo - step) >= level)
    lo -= step;
  let hi = at;
  while (hi + step <= max + 1e-12 && evaluatePolynomial(coefficients, hi + step) >= level)
    hi += step;
  return { min: Math.max(min, lo), max: Math.min(max, hi) };
}
