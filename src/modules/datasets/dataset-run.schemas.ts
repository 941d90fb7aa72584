import { z } from 'zod';
import { PROMPT_DIFFICULTIES } from '../../db/models/index.js';
import { idParam } from '../../lib/query-params.js';
import {
  CreateBatchBodySchema,
  NotifySchema,
  ParameterRangesSchema,
} from '../batch-experiments/batch-experiments.schemas.js';
import { PartialParametersSchema } from '../experiments/parameters.schema.js';
import { CategorySchema, DifficultySchema, TagsSchema } from './datasets.schemas.js';

const batch = CreateBatchBodySchema.shape;

/**
 * POST /api/datasets/:id/run — a model and parameters (or parameter ranges, as in batch
 * experiments) applied to every selected prompt. The selection filters combine with AND;
 * `tags` matches prompts carrying any of them.
 */
export const RunDatasetBodySchema = z.strictObject({
  name: batch.name.optional().describe('Defaults to "<dataset name> run"'),
  description: batch.description,
  model: batch.model,
  provider: batch.provider,
  parameters: PartialParametersSchema.optional().describe(
    'Fixed parameters; with parameter_ranges, the values of the parameters not swept',
  ),
  parameter_ranges: ParameterRangesSchema.optional().describe(
    'Sweep like a batch experiment; without it every prompt runs once per iteration with `parameters`',
  ),
  iterations_per_combination: batch.iterations_per_combination,
  priority: batch.priority,
  max_cost: batch.max_cost,
  notify: NotifySchema.optional(),
  category: CategorySchema.optional().describe("Only prompts of this category (own or dataset's)"),
  difficulty: z
    .union([DifficultySchema, z.array(DifficultySchema).min(1)], {
      error: `One of ${PROMPT_DIFFICULTIES.join(', ')}, or a list of them`,
    })
    .transform((d) => (Array.isArray(d) ? [...new Set(d)] : [d]))
    .optional(),
  tags: TagsSchema.optional().describe('Only prompts carrying any of these tags'),
  prompt_ids: z
    .array(z.number({ error: 'Prompt ids (integers)' }).int('Prompt ids (integers)').positive(), {
      error: 'A list of prompt ids of this dataset',
    })
    .min(1, 'At least one prompt id')
    .max(10_000, 'At most 10000 prompt ids')
    .transform((ids) => [...new Set(ids)])
    .optional(),
  limit: z
    .number({ error: 'A positive integer' })
    .int('A positive integer')
    .min(1, 'A positive integer')
    .max(10_000, 'At most 10000')
    .optional()
    .describe('Run at most this many of the selected prompts (lowest ids first)'),
});
export type RunDatasetBody = z.infer<typeof RunDatasetBodySchema>;

/** The selection part of a run, as stored with it. */
export type PromptFilter = Pick<
  RunDatasetBody,
  'category' | 'difficulty' | 'tags' | 'prompt_ids' | 'limit'
>;

export const RunParamsSchema = z.object({ id: idParam(), batchId: idParam() });
