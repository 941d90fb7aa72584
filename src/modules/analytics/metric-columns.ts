import { DIMENSION_COLUMNS, DIMENSIONS } from '../../quality/types.js';
import { metricColumn, parseMetricName } from '../metrics/metric-names.js';

/** quality_metrics columns analytics reads: the overall score first, then each dimension. */
export const METRIC_COLUMNS = [
  'overall_quality',
  ...DIMENSIONS.map((d) => DIMENSION_COLUMNS[d]),
] as readonly string[] as readonly MetricColumn[];

/** A quality_metrics column name (`overall_quality`, `creativity_score`, `factual_accuracy`…). */
export type MetricColumn =
  | 'overall_quality'
  | 'coherence_score'
  | 'creativity_score'
  | 'readability_score'
  | 'completeness_score'
  | 'factual_accuracy'
  | 'relevance_score'
  | 'engagement_score'
  | 'technical_depth';

/** Any accepted metric spelling (`quality`, `creativity`, `creativity_score`) → its column. */
export function toMetricColumn(value: string): MetricColumn | undefined {
  const parsed = parseMetricName(value);
  return parsed ? (metricColumn(parsed) as MetricColumn) : undefined;
}

/** `creativity_score` → `creativity`, `overall_quality` → `overall quality`: for sentences. */
export function metricLabel(column: MetricColumn): string {
  return column === 'overall_quality'
    ? 'overall quality'
    : column.replace(/_score$/, '').replace(/_/g, ' ');
}
