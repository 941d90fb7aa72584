import { DIMENSION_COLUMNS, DIMENSIONS, type Dimension } from '../../quality/types.js';

/** A metric a client can name: a dimension, or the overall score. */
export type MetricName = Dimension | 'overall';

const ALIASES: Record<string, MetricName> = {
  quality: 'overall',
  overall: 'overall',
  overall_quality: 'overall',
  factual: 'factual_accuracy',
  accuracy: 'factual_accuracy',
  depth: 'technical_depth',
};
for (const dimension of DIMENSIONS) {
  ALIASES[dimension] = dimension;
  ALIASES[DIMENSION_COLUMNS[dimension]] = dimension;
}

/** Every spelling accepted, for validation messages and OpenAPI. */
export const METRIC_NAME_CHOICES = Object.keys(ALIASES).sort();

/** `creativity`, `creativity_score` → `creativity`; `quality` → `overall`. */
export function parseMetricName(value: string): MetricName | undefined {
  const key = value.trim().toLowerCase();
  // Own keys only: `constructor` or `__proto__` would otherwise resolve to Object's members.
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}

/** The column / API field of a metric (`overall_quality`, `coherence_score`…). */
export function metricColumn(metric: MetricName): string {
  return metric === 'overall' ? 'overall_quality' : DIMENSION_COLUMNS[metric];
}

/** Quality bands used across the API (docs/metrics.md). */
export function qualityBand(score: number): 'excellent' | 'good' | 'average' | 'poor' {
  if (score >= 90) return 'excellent';
  if (score >= 75) return 'good';
  if (score >= 60) return 'average';
  return 'poor';
}
