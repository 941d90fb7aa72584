import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { IdParamSchema } from '../../lib/query-params.js';
import type { ComparisonService } from './comparison.service.js';
import { ResponseMetricsSchema } from './metrics.dto.js';
import {
  BatchMetricsBodySchema,
  CompareMetricsBodySchema,
  CompareResponsesBodySchema,
  GetMetricsQuerySchema,
  RescoreBodySchema,
  ResponseIdParamSchema,
  TrendsQuerySchema,
} from './metrics.schemas.js';
import type { MetricsService } from './metrics.service.js';
import type { RescoreService } from './rescore.service.js';

const tags = ['metrics'];

export function metricsRoutes(
  metrics: MetricsService,
  comparison: ComparisonService,
  rescore: RescoreService,
): RouteDefinition[] {
  return [
    // Before /metrics/:responseId so "trends" is not read as an id.
    defineRoute({
      method: 'get',
      path: '/metrics/trends',
      summary: 'A metric over time (hourly for 24h, daily otherwise) with trend analysis',
      tags,
      request: { query: TrendsQuerySchema },
      response: {
        status: 200,
        description: 'Trend',
        schema: z.object({ trends: z.record(z.string(), z.unknown()) }),
      },
      handler: async ({ auth, query }) => ({ data: await metrics.trends(auth, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/metrics/:responseId',
      summary: "A response's quality metrics with explanations (calculated when missing)",
      description:
        '`?method=heuristic|llm_judge|hybrid` recalculates with that engine (optionally `judge_provider`, ' +
        '`judge_model`); `?recalculate=true` recalculates with the default engine.',
      tags,
      request: { params: ResponseIdParamSchema, query: GetMetricsQuerySchema },
      response: { status: 200, description: 'Metrics', schema: ResponseMetricsSchema },
      errors: { 503: 'The judge provider is not configured (LLM_SERVICE_ERROR)' },
      handler: async ({ auth, params, query }) => ({
        data: await metrics.forResponse(auth, params.responseId, {
          ...(query.method ? { method: query.method } : {}),
          judge: {
            ...(query.judge_provider ? { provider: query.judge_provider } : {}),
            ...(query.judge_model ? { model: query.judge_model } : {}),
            ...(query.judge_samples > 1 ? { samples: query.judge_samples } : {}),
          },
          recalculate: query.recalculate,
        }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/metrics/batch',
      summary: 'Score up to 100 texts and/or stored responses at once',
      tags,
      request: { body: BatchMetricsBodySchema },
      response: {
        status: 200,
        description: 'Scores and a summary',
        schema: z.record(z.string(), z.unknown()),
      },
      handler: async ({ auth, body }) => ({ data: await metrics.batch(auth, body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/metrics/compare',
      summary: 'Rank responses on chosen metrics, with spreads and (detailed) explanations',
      tags,
      request: { body: CompareMetricsBodySchema },
      response: {
        status: 200,
        description: 'Comparison',
        schema: z.record(z.string(), z.unknown()),
      },
      handler: async ({ auth, body }) => ({
        data: {
          comparison: await comparison.compareMetrics(auth, {
            response_ids: body.response_ids,
            comparison_type: body.comparison_type,
            ...(body.focus_metrics ? { focus_metrics: body.focus_metrics } : {}),
          }),
        },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/responses/compare',
      summary:
        'Compare responses: metrics, the best per criterion, parameter insights and recommendations',
      tags: ['responses'],
      request: { body: CompareResponsesBodySchema },
      response: {
        status: 200,
        description: 'Comparison',
        schema: z.object({ comparison: z.record(z.string(), z.unknown()) }),
      },
      handler: async ({ auth, body }) => ({ data: await comparison.compareResponses(auth, body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/experiments/:id/rescore',
      summary: "Score an experiment's responses again in the background (one job per response)",
      description:
        'Answers 202 at once; each new score is announced as `quality_calculated` on ' +
        '`/ws/experiments/:id` (a response whose scoring fails for good gets `error_occurred` and ' +
        'keeps its previous scores). Use it after switching engines, judges or weights.',
      tags,
      request: { params: IdParamSchema, body: RescoreBodySchema },
      response: {
        status: 202,
        description: 'Queued',
        schema: z.object({
          experiment_id: z.number().int(),
          request_id: z.string(),
          method: z.string(),
          queued: z.number().int(),
        }),
      },
      errors: { 503: 'The judge provider is not configured (LLM_SERVICE_ERROR)' },
      handler: async ({ auth, params, body }) => ({
        data: await rescore.enqueueExperiment(auth, params.id, body),
      }),
    }),
  ];
}
