import { z } from 'zod';
import { parseJsonValue } from '../../db/json-column.js';
import { round, toIso, toNumber } from '../../lib/numbers.js';

export const METRIC_FIELDS = [
  'overall_quality',
  'coherence_score',
  'creativity_score',
  'readability_score',
  'completeness_score',
  'factual_accuracy',
  'relevance_score',
  'engagement_score',
  'technical_depth',
] as const;

export const QualityMetricsSchema = z.object(
  Object.fromEntries(METRIC_FIELDS.map((f) => [f, z.number().nullable()])) as Record<
    (typeof METRIC_FIELDS)[number],
    z.ZodNullable<z.ZodNumber>
  >,
);
export type QualityMetricsDto = z.infer<typeof QualityMetricsSchema>;

export const ResponseSchema = z.object({
  id: z.number().int(),
  experiment_id: z.number().int().nullable(),
  content: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  parameters: z.record(z.string(), z.unknown()).nullable(),
  quality_metrics: QualityMetricsSchema.nullable(),
  response_time: z.number().nullable().describe('Seconds'),
  cost: z.number().nullable().describe('USD'),
  token_count: z.number().int().nullable(),
  finish_reason: z.string().nullable(),
  cached: z.boolean().describe('Served from the response cache (cost 0)'),
  iteration: z.number().int().nullable(),
  status: z.string(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ResponseDto = z.infer<typeof ResponseSchema>;

/** Maps a stored quality_metrics row (or nothing) to the API's metric block. */
export function toQualityMetricsDto(
  row: Record<string, unknown> | null | undefined,
): QualityMetricsDto | null {
  if (!row) return null;
  return Object.fromEntries(
    METRIC_FIELDS.map((f) => [f, round(toNumber(row[f]), 2)]),
  ) as QualityMetricsDto;
}

/** Maps a stored response row, with its metrics when loaded, to the API's shape. */
export function toResponseDto(row: Record<string, unknown>): ResponseDto {
  return {
    id: Number(row.id),
    experiment_id: toNumber(row.experiment_id),
    content: String(row.content ?? ''),
    model: (row.model as string | null) ?? null,
    provider: (row.provider as string | null) ?? null,
    parameters: (parseJsonValue(row.parameters) as Record<string, unknown> | null) ?? null,
    quality_metrics: toQualityMetricsDto(row.quality_metrics as Record<string, unknown> | null),
    response_time: round(toNumber(row.response_time), 3),
    cost: toNumber(row.cost),
    token_count: toNumber(row.token_count),
    finish_reason: (row.finish_reason as string | null) ?? null,
    cached: row.cached === true || row.cached === 1,
    iteration: toNumber(row.iteration),
    status: String(row.status),
    error: (row.error_message as string | null) ?? null,
    created_at: toIso(row.created_at) ?? '',
    updated_at: toIso(row.updated_at) ?? '',
  };
}
