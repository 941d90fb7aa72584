import { z } from 'zod';
import { parseJsonValue } from '../../db/json-column.js';
import { round, toIso, toNumber } from '../../lib/numbers.js';
import { ResponseSchema } from '../responses/response.dto.js';
import type { ExperimentRow } from './experiments.repository.js';
import {
  ParameterFieldsSchema,
  withDefaults,
  type PartialParameters,
} from './parameters.schema.js';

export const ExperimentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  prompt: z.string(),
  provider: z.string().nullable(),
  model: z.string(),
  parameters: ParameterFieldsSchema,
  status: z.string(),
  response_count: z.number().int(),
  average_quality: z.number().nullable(),
  best_quality: z.number().nullable(),
  total_cost: z.number(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  user_id: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ExperimentDto = z.infer<typeof ExperimentSchema>;

export const ExperimentDetailSchema = ExperimentSchema.extend({
  worst_quality: z.number().nullable(),
  total_tokens: z.number().int(),
  average_response_time: z.number().nullable().describe('Seconds, over completed responses'),
  responses: z.array(ResponseSchema),
});
export type ExperimentDetailDto = z.infer<typeof ExperimentDetailSchema>;

/** Maps a stored experiment row with its list aggregates to the API's shape. */
export function toExperimentDto(row: ExperimentRow): ExperimentDto {
  const tags = parseJsonValue(row.tags);
  return {
    id: Number(row.id),
    name: String(row.name),
    description: (row.description as string | null) ?? null,
    prompt: String(row.prompt),
    provider: (row.provider as string | null) ?? null,
    model: String(row.model),
    // Rows written by older versions or other tools may lack a parameter: show the default.
    parameters: withDefaults(parseJsonValue(row.parameters) as PartialParameters),
    status: String(row.status),
    response_count: toNumber(row.response_count) ?? 0,
    average_quality: round(toNumber(row.average_quality), 2),
    best_quality: round(toNumber(row.best_quality), 2),
    total_cost: round(toNumber(row.total_cost), 6) ?? 0,
    tags: Array.isArray(tags) ? (tags as string[]) : [],
    metadata: (parseJsonValue(row.metadata) as Record<string, unknown> | null) ?? null,
    user_id: toNumber(row.user_id),
    created_at: toIso(row.created_at) ?? '',
    updated_at: toIso(row.updated_at) ?? '',
  };
}

export function toExperimentDetailDto(
  row: ExperimentRow,
  responses: ExperimentDetailDto['responses'],
): ExperimentDetailDto {
  return {
    ...toExperimentDto(row),
    worst_quality: round(toNumber(row.worst_quality), 2),
    total_tokens: toNumber(row.total_tokens) ?? 0,
    average_response_time: round(toNumber(row.average_response_time), 3),
    responses,
  };
}
