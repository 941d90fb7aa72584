import { z } from 'zod';
import { idParam, queryEnum, queryInt, queryString } from '../../lib/query-params.js';
import { CALCULATION_METHODS } from '../../quality/types.js';
import { METRIC_NAME_CHOICES, parseMetricName, type MetricName } from './metric-names.js';

export const MAX_BATCH_ITEMS = 100;

/** A metric name in any accepted spelling, parsed to its canonical name. */
export const metricName = z.string({ error: 'A metric name' }).transform((value, ctx) => {
  const parsed = parseMetricName(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `One of: ${METRIC_NAME_CHOICES.join(', ')}` });
    return z.NEVER;
  }
  return parsed;
});

const judgeFields = {
  method: z.enum(CALCULATION_METHODS, { error: 'heuristic, llm_judge or hybrid' }).optional(),
  judge_provider: z.string().trim().min(1).max(64).optional(),
  judge_model: z.string().trim().min(1).max(128).optional(),
};

export const ResponseIdParamSchema = z.object({ responseId: idParam() });

export const RescoreBodySchema = z
  .object({
    ...judgeFields,
    only_unscored: z
      .boolean()
      .default(false)
      .describe('Score only the responses that have no metrics yet'),
  })
  .strict();
export type RescoreBody = z.infer<typeof RescoreBodySchema>;

export const GetMetricsQuerySchema = z.object({
  method: queryEnum(CALCULATION_METHODS).describe('Recalculate with this engine'),
  judge_provider: queryString(64),
  judge_model: queryString(128),
  judge_samples: queryInt(1, 10, 1).describe(
    'Grade each dimension k times and report the spread (judge stability)',
  ),
  recalculate: z
    .preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z.enum(['true', 'false']).optional(),
    )
    .transform((v) => v === 'true'),
});

const BatchItemSchema = z
  .object({
    id: z.number({ error: 'A response id (integer)' }).int().positive().optional(),
    content: z
      .string({ error: 'Text to score' })
      .max(100_000, 'At most 100000 characters')
      .optional(),
    prompt: z.string().max(100_000, 'At most 100000 characters').optional(),
  })
  .refine((item) => item.content !== undefined || item.id !== undefined, {
    message: 'Each item needs content to score, or the id of a stored response',
  });

export const BatchMetricsBodySchema = z.object({
  responses: z
    .array(BatchItemSchema, { error: 'A list of {id?, content?, prompt?}' })
    .min(1, `Between 1 and ${MAX_BATCH_ITEMS} items`)
    .max(MAX_BATCH_ITEMS, `At most ${MAX_BATCH_ITEMS} items per call; split larger batches`),
  metrics_to_calculate: z.array(metricName).min(1).optional(),
  ...judgeFields,
});
export type BatchMetricsBody = z.infer<typeof BatchMetricsBodySchema>;

/** 2-50 distinct stored response ids to compare. */
export const ResponseIdsToCompareSchema = z
  .array(z.number({ error: 'Response ids (integers)' }).int().positive(), {
    error: 'A list of response ids',
  })
  .min(2, 'At least 2 responses to compare')
  .max(50, 'At most 50 responses')
  .transform((ids) => [...new Set(ids)]);

export const CompareMetricsBodySchema = z.object({
  response_ids: ResponseIdsToCompareSchema,
  comparison_type: z.enum(['basic', 'detailed'], { error: 'basic or detailed' }).default('basic'),
  focus_metrics: z.array(metricName).min(1).optional(),
});
export type CompareMetricsBody = z.infer<typeof CompareMetricsBodySchema>;

export const TREND_PERIODS = ['24h', '7d', '30d', '90d'] as const;

export const TrendsQuerySchema = z.object({
  period: queryEnum(TREND_PERIODS).default('7d'),
  metric: z
    .preprocess((v) => (v === '' ? undefined : v), metricName.optional())
    .transform((m) => m ?? 'overall'),
  model: queryString(128),
  experiment_ids: z
    .preprocess(
      (v) => (Array.isArray(v) ? v.join(',') : v === '' ? undefined : v),
      z
        .string()
        .regex(/^\d+(,\d+)*$/, 'Comma-separated experiment ids, e.g. 1,2,3')
        .transform((s) => s.split(',').map(Number))
        .optional(),
    )
    .describe('Comma-separated experiment ids'),
});
export type TrendsQuery = z.infer<typeof TrendsQuerySchema>;

/** POST /api/responses/compare (the spec's body). */
export const CompareResponsesBodySchema = z.object({
  response_ids: ResponseIdsToCompareSchema,
  comparison_criteria: z
    .array(metricName)
    .min(1)
    .default((): MetricName[] => [
      'overall',
      'coherence',
      'creativity',
      'readability',
      'completeness',
    ]),
  include_detailed_analysis: z.boolean({ error: 'true or false' }).default(false),
});
