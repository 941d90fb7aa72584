import { z } from 'zod';
import { parseJsonValue } from '../../db/json-column.js';
import { toIso, toNumber } from '../../lib/numbers.js';
import { PaginationSchema } from '../../lib/pagination.js';

export const DatasetSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  category: z.string().nullable(),
  prompt_count: z.number().int(),
  created_by: z.string().describe('"system" for shipped datasets, else the owner\'s username'),
  public: z.boolean(),
  is_system: z.boolean(),
  user_id: z.number().int().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DatasetDto = z.infer<typeof DatasetSchema>;

export const PromptSchema = z.object({
  id: z.number().int(),
  dataset_id: z.number().int(),
  text: z.string(),
  tags: z.array(z.string()),
  difficulty: z.string(),
  category: z.string().nullable().describe("The prompt's own category, else its dataset's"),
  expected_length: z.number().int().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
});
export type PromptDto = z.infer<typeof PromptSchema>;

export const DatasetDetailSchema = DatasetSchema.extend({
  prompts: z.array(PromptSchema),
  prompts_pagination: PaginationSchema,
});

const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 't' || v === 'true';

/** A datasets row joined with its owner's username (`owner_username`). */
export function toDatasetDto(row: Record<string, unknown>): DatasetDto {
  const isSystem = bool(row.is_system);
  return {
    id: Number(row.id),
    name: (row.name as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    category: (row.category as string | null) ?? null,
    prompt_count: toNumber(row.prompt_count) ?? 0,
    created_by: isSystem ? 'system' : String(row.owner_username ?? 'unknown'),
    public: bool(row.public),
    is_system: isSystem,
    user_id: toNumber(row.user_id),
    metadata: (parseJsonValue(row.metadata) as Record<string, unknown> | null) ?? null,
    created_at: toIso(row.created_at) ?? '',
    updated_at: toIso(row.updated_at) ?? '',
  };
}

/** A prompts row; `category` is already the effective one (own, else the dataset's). */
export function toPromptDto(row: Record<string, unknown>): PromptDto {
  const tags = parseJsonValue(row.tags);
  return {
    id: Number(row.id),
    dataset_id: Number(row.dataset_id),
    text: String(row.text),
    tags: Array.isArray(tags) ? (tags as string[]) : [],
    difficulty: String(row.difficulty),
    category: (row.category as string | null) ?? null,
    expected_length: toNumber(row.expected_length),
    metadata: (parseJsonValue(row.metadata) as Record<string, unknown> | null) ?? null,
    created_at: toIso(row.created_at) ?? '',
  };
}
