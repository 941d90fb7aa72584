import { z } from 'zod';
import { BATCH_PRIORITIES, BATCH_STATUSES } from '../../db/models/index.js';
import { queryEnum, queryInt, queryNumber, queryString } from '../../lib/query-params.js';
import { CreateExperimentBodySchema } from '../experiments/experiments.schemas.js';
import {
  ParameterFieldsSchema,
  PartialParametersSchema,
} from '../experiments/parameters.schema.js';
import { TUNED_PARAMETERS, type TunedParameter } from '../metrics/parameter-insights.js';
import { MIN_STEP, MIN_STEP_MESSAGE } from './parameter-grid.js';

/** A range of one parameter: `{min, max, step}` or `{values: [...]}`, each value in bounds. */
function rangeSchema(parameter: TunedParameter) {
  const value = ParameterFieldsSchema.shape[parameter];
  const step = z
    .number({ error: 'A positive step' })
    .positive('A positive step')
    .refine((s) => !(s > 0) || s >= MIN_STEP, MIN_STEP_MESSAGE)
    .refine((s) => parameter !== 'max_tokens' || Number.isInteger(s), 'An integer step');
  return z.union(
    [
      z
        .strictObject({ min: value, max: value, step })
        .refine((r) => r.min <= r.max, { message: 'min must not be above max', path: ['min'] }),
      z.strictObject({
        values: z.array(value).min(1, 'At least one value').max(1000, 'At most 1000 values'),
      }),
    ],
    { error: `{min, max, step} or {values: [...]} within the range of ${parameter}` },
  );
}

export const ParameterRangesSchema = z
  .strictObject(
    Object.fromEntries(TUNED_PARAMETERS.map((p) => [p, rangeSchema(p).optional()])) as {
      [P in TunedParameter]: z.ZodOptional<ReturnType<typeof rangeSchema>>;
    },
  )
  .refine((r) => Object.values(r).some((v) => v !== undefined), {
    message: `At least one of: ${TUNED_PARAMETERS.join(', ')}`,
  });

/** Where to announce the batch's end (completed, failed or stopped). */
export const NotifySchema = z
  .strictObject({
    webhook_url: z
      .string({ error: 'An http(s) URL' })
      .max(2000, 'At most 2000 characters')
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
        } catch {
          return false;
        }
      }, 'An http(s) URL')
      .optional()
      .describe('POSTed a signed JSON summary (X-LQA-Signature: sha256=HMAC) when the batch ends'),
    email: z
      .email({ error: 'An email address' })
      .max(254, 'At most 254 characters')
      .optional()
      .describe('Sent a summary email when the batch ends (needs SMTP_URL on the server)'),
  })
  .refine((n) => n.webhook_url !== undefined || n.email !== undefined, {
    message: 'At least one of: webhook_url, email',
  });

const base = CreateExperimentBodySchema.shape;

/** Most prompts one batch runs (BATCH_MAX_CELLS bounds the cells anyway). */
export const MAX_BATCH_PROMPTS = 1000;

/** POST /api/batch-experiments. `user_id` in the body is ignored: the owner is the caller. */
export const CreateBatchBodySchema = z.object({
  name: base.name,
  description: base.description,
  prompt: base.prompt,
  prompts: z
    .array(base.prompt, { error: 'A list of prompts' })
    .min(1, 'At least one prompt')
    .max(MAX_BATCH_PROMPTS, `At most ${MAX_BATCH_PROMPTS} prompts`)
    .optional()
    .describe(
      'Several prompts in one sweep: every prompt × combination × iteration is a cell, and each ' +
        'result names its `prompt_index`. `prompt` stays the display prompt.',
    ),
  model: base.model,
  provider: base.provider,
  parameter_ranges: ParameterRangesSchema,
  /** Values of the parameters that are not swept (defaults otherwise). */
  base_parameters: PartialParametersSchema.optional(),
  iterations_per_combination: z
    .number({ error: 'An integer between 1 and 20' })
    .int('An integer between 1 and 20')
    .min(1, 'An integer between 1 and 20')
    .max(20, 'An integer between 1 and 20')
    .default(1),
  priority: z
    .enum(BATCH_PRIORITIES, { error: `One of: ${BATCH_PRIORITIES.join(', ')}` })
    .default('normal'),
  max_cost: z
    .number({ error: 'A budget in USD above 0' })
    .positive('A budget in USD above 0')
    .max(1_000_000, 'At most 1000000')
    .optional()
    .describe('Pause the batch (status paused, reason stored) once its spent cost reaches this'),
  notify: NotifySchema.optional(),
});
export type CreateBatchBody = z.infer<typeof CreateBatchBodySchema>;

/** POST /api/batch-experiments/estimate: a creation body; the name may be left out. */
export const EstimateBatchBodySchema = CreateBatchBodySchema.extend({
  name: base.name.optional(),
});
export type EstimateBatchBody = z.infer<typeof EstimateBatchBodySchema>;

export const BATCH_SORT_FIELDS = [
  'created_at',
  'updated_at',
  'name',
  'status',
  'priority',
  'total_combinations',
] as const;

export const ListBatchesQuerySchema = z.object({
  page: queryInt(1, 1_000_000, 1),
  limit: queryInt(1, 100, 10),
  sort: queryEnum(BATCH_SORT_FIELDS).default('created_at'),
  order: queryEnum(['asc', 'desc'] as const).default('desc'),
  status: queryEnum(BATCH_STATUSES),
  search: queryString(200),
});
export type ListBatchesQuery = z.infer<typeof ListBatchesQuerySchema>;

export const BATCH_ACTIONS = ['pause', 'resume', 'stop', 'retry_failed'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

export const ControlBodySchema = z.object({
  action: z.enum(BATCH_ACTIONS, { error: `One of: ${BATCH_ACTIONS.join(', ')}` }),
});

export const ResultsQuerySchema = z
  .object({
    page: queryInt(1, 1_000_000, 1),
    limit: queryInt(1, 100, 20),
    sort_by: queryEnum(['quality', 'combination_id'] as const).default('combination_id'),
    order: queryEnum(['asc', 'desc'] as const),
    min_quality: queryNumber(0, 100),
    max_quality: queryNumber(0, 100),
    prompt_index: queryNumber(0, MAX_BATCH_PROMPTS - 1).describe(
      'Only the combinations of this prompt (multi-prompt batches, 0-based index into `prompts`)',
    ),
  })
  .refine(
    (q) =>
      q.min_quality === undefined || q.max_quality === undefined || q.min_quality <= q.max_quality,
    { message: 'min_quality must not be above max_quality', path: ['min_quality'] },
  );
export type ResultsQuery = z.infer<typeof ResultsQuerySchema>;
