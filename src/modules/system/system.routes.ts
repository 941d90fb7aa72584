import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import type { HealthService } from './health.service.js';

const tags = ['system'];

/** The spec's section names, shown by GET /api/docs. */
export const API_SECTIONS: Record<string, string> = {
  auth: 'Registration, login and API keys',
  experiments: 'Experiment management',
  responses: 'Response generation and management',
  metrics: 'Quality metrics calculation',
  'batch-experiments': 'Parameter sweeps',
  analytics: 'Dashboards and parameter analysis',
  export: 'Data export functionality',
  models: 'Models and providers',
  datasets: 'Datasets and prompt library',
  system: 'Health and documentation',
};

const HealthSchema = z.object({
  status: z.enum(['OK', 'DEGRADED']),
  message: z.string(),
  timestamp: z.string(),
  version: z.string(),
  services: z.object({
    database: z.string(),
    llm_service: z.string(),
    mock_mode: z.boolean(),
    redis: z
      .string()
      .optional()
      .describe('Connected or Disconnected; present when REDIS_URL is set'),
  }),
  statistics: z.object({
    total_experiments: z.number().int(),
    total_responses: z.number().int(),
    avg_quality_score: z.number().nullable(),
    active_connections: z.number().int(),
  }),
  environment: z.string(),
});

export function systemRoutes(
  health: HealthService,
  info: { title: string; version: string; description: string },
  listRoutes: () => RouteDefinition[],
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      summary:
        'Health of the service and its dependencies (503 when the database is unreachable; DEGRADED but 200 when only Redis is)',
      tags,
      auth: false,
      response: {
        status: 200,
        description: 'Health report',
        schema: HealthSchema,
        envelope: false,
      },
      handler: async ({ res }) => {
        const report = await health.report();
        // Without Redis the API still answers (caches miss, jobs wait): only the database
        // makes it unusable, so only the database takes it out of a load balancer.
        res.status(report.services.database === 'Connected' ? 200 : 503).json(report);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      summary: 'API overview; the full contract is at /api/openapi.json and /api/docs/ui',
      tags,
      auth: false,
      response: { status: 200, description: 'Overview', envelope: false },
      handler: async ({ res }) => {
        const used = new Set(listRoutes().flatMap((r) => r.tags));
        res.json({
          ...info,
          endpoints: Object.fromEntries(
            Object.entries(API_SECTIONS).filter(([tag]) => used.has(tag)),
          ),
          openapi: '/api/openapi.json',
          ui: '/api/docs/ui',
          routes: listRoutes().map((r) => ({
            method: r.method.toUpperCase(),
            path: `/api${r.path}`,
            summary: r.summary,
            auth: r.auth !== false,
          })),
        });
      },
    }),
  ];
}
