import { z } from 'zod';
import { EXPERIMENT_STATUSES } from '../../db/models/index.js';
import { queryDate, queryEnum, queryInt, queryString } from '../../lib/query-params.js';
import { PartialParametersSchema } from './parameters.schema.js';

export const ExperimentStatusSchema = z.enum(EXPERIMENT_STATUSES, {
  error: `One of: ${EXPERIMENT_STATUSES.join(', ')}`,
});

const TagsSchema = z
  .array(
    z.string().trim().min(1, 'Tags cannot be empty').max(64, 'Tags of at most 64 characters'),
    {
      error: 'A list of text tags',
    },
  )
  .max(32, 'At most 32 tags')
  .transform((tags) => [...new Set(tags)]);

const fields = {
  name: z
    .string({ error: 'A name (text, 1-255 characters)' })
    .trim()
    .min(1, 'A name (text, 1-255 characters)')
    .max(255, 'A name (text, 1-255 characters)'),
  description: z.string({ error: 'Text' }).max(10_000, 'At most 10000 characters').nullable(),
  prompt: z
    .string({ error: 'A prompt (text, 1-100000 characters)' })
    .min(1, 'A prompt (text, 1-100000 characters)')
    .max(100_000, 'A prompt (text, 1-100000 characters)')
    .refine((p) => p.trim().length > 0, 'A prompt that is not only whitespace'),
  model: z
    .string({ error: 'A model id, e.g. gpt-4o' })
    .trim()
    .min(1, 'A model id, e.g. gpt-4o')
    .max(128),
  provider: z.string().trim().min(1).max(64),
  parameters: PartialParametersSchema,
  tags: TagsSchema,
  metadata: z.record(z.string(), z.unknown(), { error: 'A JSON object' }),
  response_count: z
    .number({ error: 'An integer between 1 and 100' })
    .int('An integer between 1 and 100')
    .min(1, 'An integer between 1 and 100')
    .max(100, 'An integer between 1 and 100')
    .describe('How many responses you plan to generate; kept in metadata.planned_response_count'),
};

/** POST /api/experiments. `user_id` in the body is ignored: the owner is the caller. */
export const CreateExperimentBodySchema = z.object({
  name: fields.name,
  description: fields.description.optional(),
  prompt: fields.prompt,
  model: fields.model.optional(),
  provider: fields.provider.optional(),
  parameters: fields.parameters.optional(),
  tags: fields.tags.optional(),
  metadata: fields.metadata.optional(),
  response_count: fields.response_count.optional(),
});
export type CreateExperimentBody = z.infer<typeof CreateExperimentBodySchema>;

/**
 * PUT /api/experiments/:id — any subset of the creatable fields, plus status. `response_count`
 * is accepted as on POST (the spec's PUT body is POST's) rather than silently dropped.
 */
export const UpdateExperimentBodySchema = z
  .object({
    name: fields.name.optional(),
    description: fields.description.optional(),
    prompt: fields.prompt.optional(),
    model: fields.model.optional(),
    provider: fields.provider.optional(),
    parameters: fields.parameters.optional(),
    tags: fields.tags.optional(),
    metadata: fields.metadata.optional(),
    response_count: fields.response_count.optional(),
    status: ExperimentStatusSchema.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message:
      'At least one field to change (name, description, prompt, model, parameters, tags, metadata, response_count, status)',
  });
export type UpdateExperimentBody = z.infer<typeof UpdateExperimentBodySchema>;

export const EXPERIMENT_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'name',
  'status',
  'model',
  'response_count',
  'average_quality',
] as const;
export type ExperimentSortField = (typeof EXPERIMENT_SORT_FIELDS)[number];

export const ListExperimentsQuerySchema = z
  .object({
    page: queryInt(1, 1_000_000, 1),
    limit: queryInt(1, 100, 10),
    sort: queryEnum(EXPERIMENT_SORT_FIELDS).default('created_at'),
    order: queryEnum(['asc', 'desc'] as const).default('desc'),
    search: queryString(200),
    model: queryString(128),
    status: queryEnum(EXPERIMENT_STATUSES),
    tag: queryString(64),
    date_from: queryDate('start'),
    date_to: queryDate('end'),
  })
  // Both bounds are inclusive except a bare-date date_to (the next midnight, exclusive), so
  // date_from = date_to is a valid one-instant range when both are date-times.
  .refine(
    (q) =>
      !q.date_from ||
      !q.date_to ||
      (q.date_to.exclusive ? q.date_from.at < q.date_to.at : q.date_from.at <= q.date_to.at),
    { message: 'date_from must not be after date_to', path: ['date_from'] },
  );
export type ListExperimentsQuery = z.infer<typeof ListExperimentsQuerySchema>;

export const GetExperimentQuerySchema = z.object({
  responses_limit: queryInt(0, 1000, 100).describe('How many responses to embed (oldest first)'),
});
