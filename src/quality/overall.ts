/**
 * overall_quality: a weighted mean of the dimensions that were scored, and the quality bands
 * used in batch summaries.
 */
import type { Dimension, DimensionResult } from './types.js';

/**
 * Default weights (sum 1). Rationale: whether the response answers the prompt (relevance,
 * completeness) and can be trusted (factual accuracy) matter for every task; whether it can be
 * followed (coherence, readability) comes next; creativity, engagement and technical depth are
 * desirable or not depending on the task (a story vs. an API reference), so they weigh least
 * and cannot carry a response that misses the point.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Dimension, number>> = {
  relevance: 0.2,
  completeness: 0.15,
  factual_accuracy: 0.15,
  coherence: 0.15,
  readability: 0.12,
  technical_depth: 0.08,
  engagement: 0.08,
  creativity: 0.07,
};

/**
 * Weighted mean of the dimensions present, rounded to one decimal. Dimensions missing from
 * `weights` or weighted ≤ 0 are ignored; with nothing to average the result is 0.
 */
export function overallQuality(
  dimensions: Partial<Record<Dimension, Pick<DimensionResult, 'score'> | number>>,
  weights: Partial<Record<Dimension, number>> = DEFAULT_WEIGHTS,
): number {
  let sum = 0;
  let total = 0;
  for (const [dimension, value] of Object.entries(dimensions) as Array<
    [Dimension, Pick<DimensionResult, 'score'> | number | undefined]
  >) {
    if (value === undefined) continue;
    const score = typeof value === 'number' ? value : value.score;
    const weight = weights[dimension] ?? 0;
    if (!(weight > 0) || !Number.isFinite(score)) continue;
    sum += weight * score;
    total += weight;
  }
  return total > 0 ? Math.round((sum / total) * 10) / 10 : 0;
}

export const QUALITY_BANDS = ['excellent', 'good', 'average', 'poor'] as const;
export type QualityBand = (typeof QUALITY_BANDS)[number];

/** excellent ≥ 90, good 75–89, average 60–74, poor < 60. */
export function qualityBand(score: number): QualityBand {
  if (score >= 90) return 'excellent';
  if (score >= 75) return 'good';
  if (score >= 60) return 'average';
  return 'poor';
}
