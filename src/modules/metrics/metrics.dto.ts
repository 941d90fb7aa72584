import { z } from 'zod';
import { parseJsonValue } from '../../db/json-column.js';
import { round, toIso, toNumber } from '../../lib/numbers.js';
import { DIMENSIONS, type DimensionResult } from '../../quality/types.js';
import { QualityMetricsSchema, toQualityMetricsDto } from '../responses/response.dto.js';
import type { MetricsRow } from './metrics.repository.js';

export const DimensionAnalysisSchema = z.object({
  score: z.number(),
  explanation: z.string(),
  suggestions: z.array(z.string()),
  evidence: z.record(z.string(), z.unknown()).optional(),
});

export const ResponseMetricsSchema = z.object({
  response_id: z.number().int(),
  metrics: QualityMetricsSchema,
  detailed_analysis: z.record(z.string(), DimensionAnalysisSchema),
  calculation_method: z.string(),
  engine: z.record(z.string(), z.unknown()).nullable().describe('Judge model, stability spread…'),
  calculated_at: z.string(),
  processing_time: z.number().describe('Seconds'),
});
export type ResponseMetricsDto = z.infer<typeof ResponseMetricsSchema>;

/** A stored metrics row in the shape of GET /api/metrics/:responseId. */
export function toResponseMetricsDto(row: MetricsRow): ResponseMetricsDto {
  const analysis = (parseJsonValue(row.detailed_analysis) ?? {}) as Record<string, DimensionResult>;
  return {
    response_id: Number(row.response_id),
    metrics: toQualityMetricsDto(row)!,
    detailed_analysis: Object.fromEntries(
      DIMENSIONS.filter((d) => analysis[d]).map((d) => [d, analysis[d]!]),
    ),
    calculation_method: String(row.calculation_method ?? 'heuristic'),
    engine: (parseJsonValue(row.metadata) as Record<string, unknown> | null) ?? null,
    calculated_at: toIso(row.created_at) ?? '',
    processing_time: round(toNumber(row.processing_time), 4) ?? 0,
  };
}
