import type { Request, Response } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import {
  CompareConfigsBodySchema,
  DashboardQuerySchema,
  ModelComparisonQuerySchema,
  ParameterAnalysisQuerySchema,
  ParameterCurveQuerySchema,
} from './analytics.schemas.js';
import type { AnalyticsService, Cached } from './analytics.service.js';

const tags = ['analytics'];
const CACHING =
  ' Results are cached briefly per caller and query (header `X-Cache: HIT` or `MISS`) and ' +
  'invalidated when new responses or scores arrive; send `Cache-Control: no-cache` to recompute.';
const anyObject = z.record(z.string(), z.unknown());

/** `Cache-Control: no-cache` (or `no-store`, `max-age=0`) asks for a fresh computation. */
function wantsFresh(req: Request): boolean {
  const header = req.get('cache-control') ?? '';
  return /\b(no-cache|no-store|max-age=0)\b/i.test(header);
}

/** Sends the cache verdict as a header and the value as the envelope's data. */
function answer<T>(res: Response, result: Cached<T>) {
  res.setHeader('X-Cache', result.hit ? 'HIT' : 'MISS');
  return { data: result.value };
}

export function analyticsRoutes(analytics: AnalyticsService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/analytics/dashboard',
      summary:
        'Dashboard: overview with trends, daily quality, models, top experiments, parameters',
      description:
        'Trends are % changes against the previous period of the same length (null without data there).' +
        CACHING,
      tags,
      request: { query: DashboardQuerySchema },
      response: { status: 200, description: 'Dashboard analytics', schema: anyObject },
      handler: async ({ auth, query, req, res }) =>
        answer(res, await analytics.dashboard(auth, query, wantsFresh(req))),
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/parameter-analysis',
      summary:
        'Quality by parameter bins (mean, n, 95% CI), correlations with every metric, optimal range',
      description: CACHING.trim(),
      tags,
      request: { query: ParameterAnalysisQuerySchema },
      response: { status: 200, description: 'Parameter analysis', schema: anyObject },
      handler: async ({ auth, query, req, res }) =>
        answer(res, await analytics.parameterAnalysis(auth, query, wantsFresh(req))),
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/model-comparison',
      summary:
        'Models side by side: quality, consistency, cost efficiency, speed, pairwise Mann-Whitney tests',
      description: CACHING.trim(),
      tags,
      request: { query: ModelComparisonQuerySchema },
      response: { status: 200, description: 'Model comparison', schema: anyObject },
      handler: async ({ auth, query, req, res }) =>
        answer(res, await analytics.modelComparison(auth, query, wantsFresh(req))),
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/parameter-curve',
      summary: 'A metric fitted against a parameter: quadratic fit, LOESS, bootstrap band, optimum',
      description:
        'Needs at least 3 distinct parameter values in the selected responses (400 otherwise).' +
        CACHING,
      tags,
      request: { query: ParameterCurveQuerySchema },
      response: { status: 200, description: 'Fitted curve', schema: anyObject },
      handler: async ({ auth, query, req, res }) =>
        answer(res, await analytics.parameterCurve(auth, query, wantsFresh(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/analytics/compare-configs',
      summary: 'Paired test of two configurations over the same prompts (Wilcoxon + bootstrap CI)',
      description:
        'Each side is a model, parameter values and/or experiment ids; responses matching both sides are ignored. ' +
        '400 when no prompt was answered by both.' +
        CACHING,
      tags,
      request: { body: CompareConfigsBodySchema },
      response: { status: 200, description: 'Paired comparison', schema: anyObject },
      handler: async ({ auth, body, req, res }) =>
        answer(res, await analytics.compareConfigs(auth, body, wantsFresh(req))),
    }),
  ];
}
