/**
 * A stored batch's grid as the statistics and exports read it: its ranges, and each
 * combination's id, prompt index and swept parameters.
 */
import type { Parameters } from '../experiments/parameters.schema.js';
import type { BatchRow } from './batch-experiments.repository.js';
import type { CombinationPlan } from './batch-stats.js';
import { sweptParameters, type ParameterRanges } from './parameter-grid.js';

export function ranges(batch: BatchRow): ParameterRanges {
  return (batch.parameter_ranges as ParameterRanges | null) ?? {};
}

/** Each combination's id with its swept parameters. */
export function combinationParameters(batch: BatchRow): CombinationPlan[] {
  const r = ranges(batch);
  return (batch.combinations ?? []).map((c) => ({
    combination_id: c.combination_id!,
    ...(c.prompt_index !== undefined ? { prompt_index: c.prompt_index } : {}),
    parameters: sweptParameters(c as unknown as Parameters, r),
  }));
}
