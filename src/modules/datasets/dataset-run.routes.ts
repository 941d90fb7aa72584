import type { RequestHandler } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { IdParamSchema } from '../../lib/query-params.js';
import { CreatedBatchSchema } from '../batch-experiments/batch.dto.js';
import { GroupResultSchema, PromptResultSchema } from './dataset-run-results.js';
import { RunDatasetBodySchema, RunParamsSchema } from './dataset-run.schemas.js';
import type { DatasetRunService } from './dataset-run.service.js';

const tags = ['datasets'];

const RunSchema = z.object({
  dataset_id: z.number().int(),
  batch_experiment_id: z.number().int(),
  user_id: z.number().int().nullable(),
  prompt_count: z.number().int(),
  prompts: z.array(
    z.object({
      prompt_index: z.number().int(),
      prompt_id: z.number().int(),
      category: z.string().nullable(),
      difficulty: z.string(),
      tags: z.array(z.string()),
    }),
  ),
  filters: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  links: z.record(z.string(), z.string()),
});

/** Running a dataset as one batch experiment, and reading a run's results. */
export function datasetRunRoutes(
  runs: DatasetRunService,
  runLimiter?: RequestHandler,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/datasets/:id/run',
      summary:
        "Run the dataset's prompts (all or a filtered subset) against a model as one batch experiment",
      description:
        'Creates one batch experiment over prompts × parameter combinations × iterations: watch it on /ws/batch-experiments/:batchId, control and export it like any batch, and read per-prompt, per-category and per-difficulty results at /api/datasets/:id/runs/:batchId/results. Counts against the batch-creation rate limit.',
      tags,
      request: { params: IdParamSchema, body: RunDatasetBodySchema },
      ...(runLimiter ? { middleware: [runLimiter] } : {}),
      response: {
        status: 201,
        description: 'Queued',
        schema: z.object({
          run: RunSchema.extend({ total_cells: z.number().int() }),
          batch_experiment: CreatedBatchSchema,
        }),
      },
      handler: async ({ auth, params, body }) => ({
        status: 201,
        data: await runs.run(auth, params.id, body),
        message: 'Dataset run queued for processing',
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/:id/runs',
      summary: "Your runs of this dataset (admins: everyone's), newest first",
      tags,
      request: { params: IdParamSchema },
      response: {
        status: 200,
        description: 'Runs',
        schema: z.object({ runs: z.array(RunSchema) }),
      },
      handler: async ({ auth, params }) => ({ data: await runs.list(auth, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/datasets/:id/runs/:batchId/results',
      summary:
        "A run's results per prompt, per category and per difficulty (while running: so far)",
      tags,
      request: { params: RunParamsSchema },
      response: {
        status: 200,
        description: 'Results',
        schema: z.object({
          dataset_id: z.number().int(),
          batch_experiment_id: z.number().int(),
          status: z.string(),
          progress: z.number(),
          total_cells: z.number().int(),
          overall: GroupResultSchema,
          by_prompt: z.array(PromptResultSchema),
          by_category: z.array(GroupResultSchema.extend({ category: z.string().nullable() })),
          by_difficulty: z.array(GroupResultSchema.extend({ difficulty: z.string() })),
        }),
      },
      handler: async ({ auth, params }) => ({
        data: await runs.results(auth, params.id, params.batchId),
      }),
    }),
  ];
}
