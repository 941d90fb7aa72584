import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { PaginationSchema } from '../../lib/pagination.js';
import { IdParamSchema } from '../../lib/query-params.js';
import type { BatchControlService } from './batch-control.service.js';
import {
  ControlBodySchema,
  CreateBatchBodySchema,
  EstimateBatchBodySchema,
  ListBatchesQuerySchema,
  ResultsQuerySchema,
} from './batch-experiments.schemas.js';
import type { BatchExperimentsService } from './batch-experiments.service.js';
import {
  BatchDetailSchema,
  BatchSchema,
  CreatedBatchSchema,
  SweepEstimateSchema,
} from './batch.dto.js';

const tags = ['batch-experiments'];

export function batchExperimentRoutes(
  service: BatchExperimentsService,
  control: BatchControlService,
  creationLimiter?: RequestHandler,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/batch-experiments',
      summary:
        'Create a parameter sweep (cartesian product of the ranges × iterations) and queue every cell',
      tags,
      request: { body: CreateBatchBodySchema },
      ...(creationLimiter ? { middleware: [creationLimiter] } : {}),
      response: {
        status: 201,
        description: 'Queued',
        schema: z.object({ batch_experiment: CreatedBatchSchema }),
      },
      handler: async ({ auth, body }) => ({
        status: 201,
        data: { batch_experiment: await service.create(auth, body) },
        message: 'Batch experiment queued for processing',
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/batch-experiments/estimate',
      summary:
        'What a sweep would be — cells, grid, estimated cost and duration — with the same checks as creating it, creating nothing',
      tags,
      request: { body: EstimateBatchBodySchema },
      response: {
        status: 200,
        description: 'The estimate',
        schema: z.object({ estimate: SweepEstimateSchema }),
      },
      handler: async ({ body }) => ({ data: { estimate: await service.estimate(body) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/batch-experiments',
      summary: 'List your batch experiments (paginated, filtered by status, searched by name)',
      tags,
      request: { query: ListBatchesQuerySchema },
      response: {
        status: 200,
        description: 'A page of batch experiments',
        schema: z.object({
          batch_experiments: z.array(BatchSchema),
          pagination: PaginationSchema,
        }),
      },
      handler: async ({ auth, query }) => ({ data: await service.list(auth, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/batch-experiments/:id',
      summary: 'A batch with progress, counts, current combination, summary and insights',
      tags,
      request: { params: IdParamSchema },
      response: {
        status: 200,
        description: 'The batch experiment',
        schema: z.object({ batch_experiment: BatchDetailSchema }),
      },
      handler: async ({ auth, params }) => ({
        data: { batch_experiment: await service.get(auth, params.id) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/batch-experiments/:id/control',
      summary:
        'pause (in-flight cells finish), resume, stop (final, status stopped) or retry_failed (re-run only failed cells)',
      tags,
      request: { params: IdParamSchema, body: ControlBodySchema },
      errors: { 409: 'The action is impossible in the current status (CONFLICT)' },
      response: {
        status: 200,
        description: 'The batch after the action',
        schema: z.object({ batch_experiment: BatchSchema }),
      },
      handler: async ({ auth, params, body }) => ({
        data: { batch_experiment: await control.control(auth, params.id, body.action) },
        message: `Action ${body.action} applied`,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/batch-experiments/:id/results',
      summary:
        'Per combination: parameters, mean quality, sample std dev, 95% CI, iterations, dimension means; plus correlations and optimal ranges',
      tags,
      request: { params: IdParamSchema, query: ResultsQuerySchema },
      response: {
        status: 200,
        description: 'Results',
        schema: z.record(z.string(), z.unknown()),
      },
      handler: async ({ auth, params, query }) => ({
        data: await control.results(auth, params.id, query),
      }),
    }),
  ];
}
