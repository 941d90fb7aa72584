import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { PaginationSchema } from '../../lib/pagination.js';
import { IdParamSchema } from '../../lib/query-params.js';
import { ExperimentDetailSchema, ExperimentSchema } from './experiment.dto.js';
import {
  CreateExperimentBodySchema,
  GetExperimentQuerySchema,
  ListExperimentsQuerySchema,
  UpdateExperimentBodySchema,
} from './experiments.schemas.js';
import type { ExperimentStatsService } from './experiment-stats.service.js';
import type { ExperimentsService } from './experiments.service.js';

const tags = ['experiments'];

export function experimentRoutes(
  service: ExperimentsService,
  stats: ExperimentStatsService,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/experiments',
      summary: 'List your experiments with search, filters, sorting and pagination',
      tags,
      request: { query: ListExperimentsQuerySchema },
      response: {
        status: 200,
        description: 'A page of experiments',
        schema: z.object({ experiments: z.array(ExperimentSchema), pagination: PaginationSchema }),
      },
      handler: async ({ auth, query }) => ({ data: await service.list(auth, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/experiments/:id',
      summary: 'One experiment with its aggregates and responses',
      tags,
      request: { params: IdParamSchema, query: GetExperimentQuerySchema },
      response: {
        status: 200,
        description: 'The experiment',
        schema: z.object({ experiment: ExperimentDetailSchema }),
      },
      handler: async ({ auth, params, query }) => ({
        data: { experiment: await service.get(auth, params.id, query.responses_limit) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/experiments',
      summary: 'Create an experiment (unset parameters get defaults)',
      tags,
      request: { body: CreateExperimentBodySchema },
      response: {
        status: 201,
        description: 'Created',
        schema: z.object({ experiment: ExperimentSchema }),
      },
      handler: async ({ auth, body }) => ({
        data: { experiment: await service.create(auth, body) },
        message: 'Experiment created successfully',
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/experiments/:id',
      summary: 'Update an experiment (partial; parameters merge)',
      tags,
      request: { params: IdParamSchema, body: UpdateExperimentBodySchema },
      response: {
        status: 200,
        description: 'Updated',
        schema: z.object({ experiment: ExperimentSchema }),
      },
      handler: async ({ auth, params, body }) => ({
        data: { experiment: await service.update(auth, params.id, body) },
        message: 'Experiment updated successfully',
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/experiments/:id',
      summary: 'Delete an experiment with its responses and metrics',
      tags,
      request: { params: IdParamSchema },
      response: {
        status: 200,
        description: 'Deleted',
        schema: z.object({
          deleted_experiment_id: z.number().int(),
          deleted_responses_count: z.number().int(),
          deleted_metrics_count: z.number().int(),
        }),
      },
      handler: async ({ auth, params }) => ({
        data: await service.remove(auth, params.id),
        message: 'Experiment deleted successfully',
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/experiments/:id/stats',
      summary:
        'Statistics: overview with quality trend, breakdown per dimension, parameter impact, diversity, time series',
      tags,
      request: { params: IdParamSchema },
      response: {
        status: 200,
        description: 'Statistics',
        schema: z.record(z.string(), z.unknown()),
      },
      handler: async ({ auth, params }) => ({ data: await stats.stats(auth, params.id) }),
    }),
  ];
}
