import { z } from 'zod';
import { idParam, queryEnum, queryInt, queryNumber } from '../../lib/query-params.js';
import { PartialParametersSchema } from '../experiments/parameters.schema.js';

export const MAX_RESPONSES_PER_REQUEST = 20;

/** POST /api/responses/generate. Everything but experiment_id defaults to the experiment's. */
export const GenerateBodySchema = z.object({
  experiment_id: z
    .number({ error: 'The id of one of your experiments' })
    .int('The id of one of your experiments')
    .positive('The id of one of your experiments'),
  prompt: z
    .string({ error: 'Text' })
    .min(1, 'A prompt (text, 1-100000 characters)')
    .max(100_000, 'A prompt (text, 1-100000 characters)')
    .optional(),
  model: z.string({ error: 'A model id' }).trim().min(1, 'A model id').max(128).optional(),
  provider: z.string().trim().min(1).max(64).optional(),
  parameters: PartialParametersSchema.optional(),
  count: z
    .number({ error: `An integer between 1 and ${MAX_RESPONSES_PER_REQUEST}` })
    .int(`An integer between 1 and ${MAX_RESPONSES_PER_REQUEST}`)
    .min(1, `An integer between 1 and ${MAX_RESPONSES_PER_REQUEST}`)
    .max(MAX_RESPONSES_PER_REQUEST, `An integer between 1 and ${MAX_RESPONSES_PER_REQUEST}`)
    .default(1),
  cache: z
    .boolean({ error: 'true or false' })
    .default(false)
    .describe(
      'Reuse an identical earlier generation (same provider, model, prompt, parameters, iteration) at no cost',
    ),
});
export type GenerateBody = z.infer<typeof GenerateBodySchema>;

export const RESPONSE_SORT_FIELDS = ['quality', 'created_at', 'response_time'] as const;

export const ListResponsesQuerySchema = z
  .object({
    page: queryInt(1, 1_000_000, 1),
    limit: queryInt(1, 100, 10),
    sort: queryEnum(RESPONSE_SORT_FIELDS).default('created_at'),
    order: queryEnum(['asc', 'desc'] as const).default('desc'),
    min_quality: queryNumber(0, 100),
    max_quality: queryNumber(0, 100),
  })
  .refine(
    (q) =>
      q.min_quality === undefined || q.max_quality === undefined || q.min_quality <= q.max_quality,
    {
      message: 'min_quality must not exceed max_quality',
      path: ['min_quality'],
    },
  );
export type ListResponsesQuery = z.infer<typeof ListResponsesQuerySchema>;

export const ExperimentIdParamSchema = z.object({ experimentId: idParam() });
