import { z } from 'zod';
import { round, toIso, toNumber } from '../../lib/numbers.js';
import { parseTargets, redactWebhookUrl } from '../../notifications/notifier.js';
import type { BatchRow } from './batch-experiments.repository.js';
import type { BatchCounts } from './batch-progress.js';

export const BatchSchema = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  prompt: z.string().nullable(),
  prompts: z
    .array(z.string())
    .nullable()
    .describe('A multi-prompt batch: its prompts, which results name by prompt_index'),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  experiment_id: z.number().int().nullable(),
  status: z.string(),
  status_reason: z.string().nullable(),
  priority: z.string(),
  parameter_ranges: z.record(z.string(), z.unknown()).nullable(),
  iterations_per_combination: z.number().int(),
  total_combinations: z.number().int(),
  completed_combinations: z.number().int(),
  failed_combinations: z.number().int(),
  total_cells: z.number().int(),
  completed_cells: z.number().int(),
  failed_cells: z.number().int(),
  progress: z.number().describe('Finished cells (completed or failed) over all cells, 0–100'),
  estimated_cost: z.number().nullable(),
  max_cost: z.number().nullable(),
  spent_cost: z.number(),
  estimated_completion: z.string().nullable(),
  notify: z
    .object({ webhook_url: z.string().nullable(), email: z.string().nullable() })
    .nullable()
    .describe('Notification targets; the webhook URL without credentials or query string'),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BatchDto = z.infer<typeof BatchSchema>;

export const BatchDetailSchema = BatchSchema.extend({
  current_combination: z.record(z.string(), z.number()).nullable(),
  results_summary: z.record(z.string(), z.unknown()).nullable(),
  insights: z.array(z.string()),
});
export type BatchDetailDto = z.infer<typeof BatchDetailSchema>;

export const CreatedBatchSchema = BatchSchema.extend({
  estimated_duration: z.string(),
  parameter_combinations: z.array(z.record(z.string(), z.number())),
});

/** What a sweep would be, from POST /api/batch-experiments/estimate (nothing is created). */
export const SweepEstimateSchema = z.object({
  provider: z.string(),
  model: z.string(),
  total_combinations: z.number().int(),
  iterations_per_combination: z.number().int(),
  total_cells: z.number().int(),
  max_cells: z.number().int(),
  estimated_cost: z.number(),
  estimated_duration: z.string(),
  estimated_duration_seconds: z.number(),
  parameter_combinations: z.array(z.record(z.string(), z.number())),
});
export type SweepEstimate = z.infer<typeof SweepEstimateSchema>;

export function toBatchDto(row: BatchRow, counts: BatchCounts, spent: number): BatchDto {
  return {
    id: Number(row.id),
    name: (row.name as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    prompt: (row.prompt as string | null) ?? null,
    prompts: row.prompts ?? null,
    provider: (row.provider as string | null) ?? null,
    model: (row.model as string | null) ?? null,
    experiment_id: toNumber(row.experiment_id),
    status: row.status,
    status_reason: (row.status_reason as string | null) ?? null,
    priority: String(row.priority),
    parameter_ranges: (row.parameter_ranges as Record<string, unknown> | null) ?? null,
    iterations_per_combination: row.iterations_per_combination,
    total_combinations: toNumber(row.total_combinations) ?? 0,
    completed_combinations: counts.completed_combinations,
    failed_combinations: counts.failed_combinations,
    total_cells: counts.total_cells,
    completed_cells: counts.completed_cells,
    failed_cells: counts.failed_cells,
    progress: counts.progress,
    estimated_cost: round(toNumber(row.estimated_cost), 6),
    max_cost: round(toNumber(row.max_cost), 6),
    spent_cost: round(spent, 6) ?? 0,
    estimated_completion: toIso(row.estimated_completion),
    notify: notifyDto(row.notify),
    started_at: toIso(row.started_at),
    completed_at: toIso(row.completed_at),
    created_at: toIso(row.created_at) ?? '',
    updated_at: toIso(row.updated_at) ?? '',
  };
}

function notifyDto(value: unknown): BatchDto['notify'] {
  const targets = parseTargets(value);
  if (!targets) return null;
  return {
    webhook_url: targets.webhook_url ? redactWebhookUrl(targets.webhook_url) : null,
    email: targets.email ?? null,
  };
}
