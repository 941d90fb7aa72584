/**
 * Expands a batch's `parameter_ranges` into the list of parameter combinations it sweeps.
 * Pure; the result is stored on the batch so every process reads the same grid.
 */
import { round } from '../../lib/numbers.js';
import { TUNED_PARAMETERS, type TunedParameter } from '../metrics/parameter-insights.js';
import type { Parameters } from '../experiments/parameters.schema.js';

export type ParameterRange = { min: number; max: number; step: number } | { values: number[] };
export type ParameterRanges = Partial<Record<TunedParameter, ParameterRange>>;

/**
 * One point of the grid; `combination_id` is 1-based, in expansion order. In a multi-prompt
 * batch, `prompt_index` says which of the batch's prompts the point runs.
 */
export type Combination = { combination_id: number; prompt_index?: number } & Parameters;

/** The finest step that means anything: range values are rounded to 10 decimals. */
export const MIN_STEP = 1e-10;
export const MIN_STEP_MESSAGE = 'A step of at least 1e-10 (values are rounded to 10 decimals)';

/**
 * The values of one range. Steps are float-safe: value i is `round(min + i*step, 10)` (never
 * an accumulated sum) and the end is included with a tolerance of 1e-9 steps, so 0.1..1.0
 * step 0.1 is exactly ten values. Duplicates are dropped, order kept (a `values` list, or a
 * step finer than the rounding).
 */
export function rangeValues(range: ParameterRange): number[] {
  if ('values' in range) return [...new Set(range.values)];
  const values = new Set<number>();
  const count = stepCount(range);
  for (let i = 0; i < count; i += 1)
    values.add(Math.min(round(range.min + i * range.step, 10)!, range.max));
  return [...values];
}

/**
 * How many steps fit in a range, counted rather than walked: a walk that stopped once the
 * rounded value passed `max` never stopped for a step finer than the rounding inside a range
 * narrower than it (`{min: -1e-147, max: 1e-296, step: 1e-121}`: every value rounds to 0),
 * and grew its array until the process died (found by the fuzzer).
 */
function stepCount({ min, max, step }: { min: number; max: number; step: number }): number {
  return Math.max(0, Math.floor((max - min) / step + 1e-9) + 1);
}

/** Above this many values a range is counted arithmetically instead of built. */
const BUILT_COUNT_LIMIT = 10_000;

/**
 * How many combinations `ranges` make, without building them (for size checks). A tiny step
 * (`{min: 0, max: 2, step: 1e-12}`) is counted arithmetically: building its values first once
 * ran the process out of memory before the cell limit could refuse the batch.
 */
export function countCombinations(ranges: ParameterRanges): number {
  let built = 1;
  let largest = 0;
  for (const p of TUNED_PARAMETERS) {
    const range = ranges[p];
    if (!range) continue;
    const estimate = 'values' in range ? range.values.length : stepCount(range);
    if (estimate > BUILT_COUNT_LIMIT) largest = Math.max(largest, estimate);
    else built *= rangeValues(range).length;
  }
  if (largest === 0) return built;
  // At least the largest range's size, even if another range is empty: Infinity × 0 (a
  // denormal step next to an empty range) once made NaN, which passed the cell limit.
  return Math.min(largest * Math.max(built, 1), Number.MAX_SAFE_INTEGER);
}

/**
 * Cartesian product of the ranges over `base` (parameters left out keep the base value). The
 * first parameter in TUNED_PARAMETERS order varies slowest.
 */
export function expandCombinations(
  ranges: ParameterRanges,
  base: Parameters,
  promptCount?: number,
): Combination[] {
  let grid: Parameters[] = [{ ...base }];
  for (const parameter of TUNED_PARAMETERS) {
    const range = ranges[parameter];
    if (!range) continue;
    const values = rangeValues(range);
    grid = grid.flatMap((point) => values.map((value) => ({ ...point, [parameter]: value })));
  }
  if (promptCount === undefined)
    return grid.map((point, index) => ({ combination_id: index + 1, ...point }));
  // Several prompts: the prompt varies slowest, so each prompt's sweep is one contiguous block.
  return Array.from({ length: promptCount }, (_, promptIndex) => promptIndex).flatMap(
    (promptIndex) =>
      grid.map((point, index) => ({
        combination_id: promptIndex * grid.length + index + 1,
        prompt_index: promptIndex,
        ...point,
      })),
  );
}

/** A stored combination split into the parameters a cell sends and its prompt index. */
export function cellSettings(combination: Record<string, number>): {
  parameters: Parameters;
  promptIndex: number | undefined;
} {
  const { combination_id: _id, prompt_index: promptIndex, ...parameters } = combination;
  return { parameters: parameters as unknown as Parameters, promptIndex };
}

/** The tuned parameters of a combination that the batch varies (what the spec lists). */
export function sweptParameters(
  combination: Parameters,
  ranges: ParameterRanges,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of TUNED_PARAMETERS) if (ranges[p]) out[p] = combination[p];
  return out;
}
