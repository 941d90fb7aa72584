/**
 * Judge stability: when each dimension is graded k times, how much the gradings disagree, so a
 * user knows how far to trust a judge score.
 */
import type { Dimension } from '../types.js';
import { round1, type Spread } from './stats.js';

export interface DimensionSpread extends Spread {
  /** Every grading, 0-100. */
  scores: number[];
}

export interface StabilityReport {
  /** Gradings requested per dimension. */
  samples: number;
  /** Mean over dimensions of the standard deviation of their gradings, in 0-100 points. */
  mean_spread: number;
  /** The largest such standard deviation. */
  max_spread: number;
  /**
   * From the worst dimension (`max_spread`): `stable` up to 10 points of standard deviation
   * (the gradings mostly agree), `moderate` up to 20 (they stay within one step of the 1-5
   * scale, which is 25 points), `unstable` beyond (they differ by more than a step).
   */
  assessment: 'stable' | 'moderate' | 'unstable';
  per_dimension: Partial<Record<Dimension, DimensionSpread>>;
}

export function stabilityReport(
  samples: number,
  perDimension: Partial<Record<Dimension, DimensionSpread>>,
): StabilityReport {
  const deviations = Object.values(perDimension).map((s) => s.std_dev);
  const mean = deviations.reduce((sum, d) => sum + d, 0) / Math.max(1, deviations.length);
  const max = Math.max(0, ...deviations);
  return {
    samples,
    mean_spread: round1(mean),
    max_spread: round1(max),
    assessment: max <= 10 ? 'stable' : max <= 20 ? 'moderate' : 'unstable',
    per_dimension: perDimension,
  };
}
