/** Small statistics for the judge's repeated gradings and the default overall score. */
import type { Dimension } from '../types.js';

/** How a set of gradings of one dimension spread, in the same 0-100 units as the score. */
export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single grading. */
  std_dev: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spreadOf needs at least one value');
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance =
    values.length > 1
      ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)
      : 0;
  return {
    mean: round1(mean),
    std_dev: round1(Math.sqrt(variance)),
    min: round1(Math.min(...values)),
    max: round1(Math.max(...values)),
  };
}

/** Combines dimension scores into overall_quality; the composition root injects the real one. */
export type OverallFunction = (dimensions: Partial<Record<Dimension, { score: number }>>) => number;

/** Plain mean of the scored dimensions, one decimal (0 when none was scored). */
export const meanOverall: OverallFunction = (dimensions) => {
  const scores = Object.values(dimensions).map((d) => d.score);
  if (scores.length === 0) return 0;
  return round1(scores.reduce((sum, s) => sum + s, 0) / scores.length);
};

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
