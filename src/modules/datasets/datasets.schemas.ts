import { z } from 'zod';
import { PROMPT_DIFFICULTIES } from '../../db/models/index.js';
import { idParam, queryEnum, queryInt, queryString } from '../../lib/query-params.js';

/** The spec's standard categories; datasets may also use their own (see CategorySchema). */
export const STANDARD_CATEGORIES = ['creative', 'technical', 'analytical', 'conversational'];

const CATEGORY_HINT =
  'A category: lowercase letters, digits, "-" or "_" (1-64 characters), e.g. creative, technical, analytical, conversational';

/** Categories are slugs so filters and suggestions match them exactly on every database. */
export const CategorySchema = z
  .string({ error: CATEGORY_HINT })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, CATEGORY_HINT);

export const DifficultySchema = z.enum(PROMPT_DIFFICULTIES, {
  error: `One of: ${PROMPT_DIFFICULTIES.join(', ')}`,
});

/** Tags are compared case-insensitively, so they are stored trimmed and lower-cased. */
const TagSchema = z
  .string({ error: 'A text tag' })
  .trim()
  .toLowerCase()
  .min(1, 'Tags cannot be empty')
  .max(64, 'Tags of at most 64 characters');

export const TagsSchema = z
  .array(TagSchema, { error: 'A list of text tags, e.g. ["quantum", "explanation"]' })
  .max(32, 'At most 32 tags')
  .transform((tags) => [...new Set(tags)]);

const PROMPT_TEXT_HINT = 'The prompt text (1-100000 characters, not only whitespace)';

/** One prompt as clients send it (POST /datasets, /datasets/:id/prompts and imports). */
export const PromptInputSchema = z.strictObject({
  text: z
    .string({ error: PROMPT_TEXT_HINT })
    .max(100_000, PROMPT_TEXT_HINT)
    .refine((t) => t.trim().length > 0, PROMPT_TEXT_HINT),
  tags: TagsSchema.default([]),
  difficulty: DifficultySchema.default('medium'),
  category: CategorySchema.optional().describe("Defaults to the dataset's category"),
  expected_length: z
    .number({ error: 'An integer number of words between 1 and 100000' })
    .int('An integer number of words between 1 and 100000')
    .min(1, 'An integer number of words between 1 and 100000')
    .max(100_000, 'An integer number of words between 1 and 100000')
    .optional()
    .describe('Roughly how many words a good answer takes'),
  metadata: z.record(z.string(), z.unknown(), { error: 'A JSON object' }).optional(),
});
export type PromptInput = z.infer<typeof PromptInputSchema>;

/** Most prompts accepted in one request (create, add or import). */
export const MAX_PROMPTS_PER_REQUEST = 5000;

const fields = {
  name: z
    .string({ error: 'A name (text, 1-255 characters)' })
    .trim()
    .min(1, 'A name (text, 1-255 characters)')
    .max(255, 'A name (text, 1-255 characters)'),
  description: z.string({ error: 'Text' }).max(10_000, 'At most 10000 characters').nullable(),
  public: z.boolean({ error: 'true or false' }),
  metadata: z.record(z.string(), z.unknown(), { error: 'A JSON object' }),
};

/** POST /api/datasets. The owner is the caller. */
export const CreateDatasetBodySchema = z.object({
  name: fields.name,
  description: fields.description.optional(),
  category: CategorySchema,
  prompts: z
    .array(PromptInputSchema, { error: 'A list of prompts' })
    .max(MAX_PROMPTS_PER_REQUEST, `At most ${MAX_PROMPTS_PER_REQUEST} prompts per request`)
    .default([]),
  public: fields.public.default(false),
  metadata: fields.metadata.optional(),
});
export type CreateDatasetBody = z.infer<typeof CreateDatasetBodySchema>;

/** PUT /api/datasets/:id — the dataset's own fields; prompts change through their endpoints. */
export const UpdateDatasetBodySchema = z
  .strictObject({
    name: fields.name.optional(),
    description: fields.description.optional(),
    category: CategorySchema.optional(),
    public: fields.public.optional(),
    metadata: fields.metadata.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'At least one field to change (name, description, category, public, metadata)',
  });
export type UpdateDatasetBody = z.infer<typeof UpdateDatasetBodySchema>;

/** POST /api/datasets/:id/prompts — `{ prompts: [...] }` or a single prompt object. */
export const AddPromptsBodySchema = z
  .union(
    [
      z.strictObject({
        prompts: z
          .array(PromptInputSchema, { error: 'A list of prompts' })
          .min(1, 'At least one prompt')
          .max(MAX_PROMPTS_PER_REQUEST, `At most ${MAX_PROMPTS_PER_REQUEST} prompts per request`),
      }),
      PromptInputSchema,
    ],
    { error: '{ "prompts": [ { "text": ... } ] } or a single { "text": ... }' },
  )
  .transform((b) => ('prompts' in b ? b.prompts : [b]));

/** A comma-separated list in a query string (`tags=a,b`), or the key repeated (`tags=a&tags=b`). */
export function queryList(max: number) {
  return z.preprocess(
    (v) => {
      const raw = Array.isArray(v) ? v : typeof v === 'string' ? [v] : v;
      if (!Array.isArray(raw)) return raw;
      const items = raw
        .flatMap((s) => (typeof s === 'string' ? s.split(',') : [s]))
        .map((s) => (typeof s === 'string' ? s.trim().toLowerCase() : s))
        .filter((s) => s !== '');
      return items.length ? [...new Set(items)] : undefined;
    },
    z
      .array(z.string().max(64, 'Items of at most 64 characters'), {
        error: 'A comma-separated list',
      })
      .max(max, `At most ${max} items`)
      .optional(),
  );
}

export const DATASET_SORT_FIELDS = ['created_at', 'updated_at', 'name', 'prompt_count'] as const;

export const ListDatasetsQuerySchema = z.object({
  page: queryInt(1, 1_000_000, 1),
  limit: queryInt(1, 100, 20),
  category: z.preprocess((v) => (v === '' ? undefined : v), CategorySchema.optional()),
  search: queryString(200).describe('Case-insensitive match on name and description'),
  owner: queryEnum(['me', 'system', 'any'] as const)
    .default('any')
    .describe('me: only yours; system: only the shipped starter datasets; any: all you can see'),
  sort: queryEnum(DATASET_SORT_FIELDS).default('created_at'),
  order: queryEnum(['asc', 'desc'] as const).default('asc'),
});
export type ListDatasetsQuery = z.infer<typeof ListDatasetsQuerySchema>;

export const GetDatasetQuerySchema = z.object({
  page: queryInt(1, 1_000_000, 1).describe('Page of the prompts'),
  limit: queryInt(1, 200, 50).describe('Prompts per page'),
  difficulty: queryEnum(PROMPT_DIFFICULTIES),
  tags: queryList(32).describe('Only prompts carrying any of these tags'),
});
export type GetDatasetQuery = z.infer<typeof GetDatasetQuerySchema>;

export const DatasetPromptParamsSchema = z.object({ id: idParam(), promptId: idParam() });
