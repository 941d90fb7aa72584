import {
  MIN_STEP,
  MIN_STEP_MESSAGE,
  countCombinations,
  rangeValues,
  type ParameterRange,
  type ParameterRanges,
} from '../../../src/modules/batch-experiments/parameter-grid.js';
import { TUNED_PARAMETERS } from '../../../src/modules/metrics/parameter-insights.js';
import { ParameterFieldsSchema } from '../../../src/modules/experiments/parameters.schema.js';

export { TUNED_PARAMETERS, countCombinations, rangeValues };
export type { ParameterRange, ParameterRanges };
export type TunedParameter = (typeof TUNED_PARAMETERS)[number];

/** The spec's bounds of each tuned parameter, for sliders and range inputs. */
export const PARAMETER_BOUNDS: Record<TunedParameter, { min: number; max: number; step: number }> =
  {
    temperature: { min: 0, max: 2, step: 0.05 },
    top_p: { min: 0, max: 1, step: 0.05 },
    max_tokens: { min: 1, max: 4096, step: 1 },
    frequency_penalty: { min: -2, max: 2, step: 0.1 },
    presence_penalty: { min: -2, max: 2, step: 0.1 },
  };

/** A sweep row being edited: off, a min/max/step range, or a comma-separated list. */
export interface RangeDraft {
  enabled: boolean;
  mode: 'range' | 'values';
  min: string;
  max: string;
  step: string;
  values: string;
}

export type RangeErrors = Partial<Record<TunedParameter, string>>;

/** Turns the drafts into the API's `parameter_ranges`, validating each value as the API does. */
export function buildRanges(drafts: Record<TunedParameter, RangeDraft>): {
  ranges: ParameterRanges;
  errors: RangeErrors;
} {
  const ranges: ParameterRanges = {};
  const errors: RangeErrors = {};
  for (const p of TUNED_PARAMETERS) {
    const d = drafts[p];
    if (!d.enabled) continue;
    const field = ParameterFieldsSchema.shape[p];
    if (d.mode === 'values') {
      const values = d.values
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map(Number);
      const bad = values.find((v) => !field.safeParse(v).success);
      if (values.length === 0) errors[p] = 'At least one value';
      else if (bad !== undefined)
        errors[p] = `${bad}: ${field.safeParse(bad).error?.issues[0]?.message ?? 'invalid'}`;
      else ranges[p] = { values };
      continue;
    }
    const min = Number(d.min);
    const max = Number(d.max);
    const step = Number(d.step);
    const minCheck = field.safeParse(min);
    const maxCheck = field.safeParse(max);
    if (d.min === '' || !minCheck.success)
      errors[p] = `min: ${minCheck.error?.issues[0]?.message ?? 'required'}`;
    else if (d.max === '' || !maxCheck.success)
      errors[p] = `max: ${maxCheck.error?.issues[0]?.message ?? 'required'}`;
    else if (!(step > 0)) errors[p] = 'A positive step';
    else if (step < MIN_STEP) errors[p] = MIN_STEP_MESSAGE;
    else if (p === 'max_tokens' && !Number.isInteger(step)) errors[p] = 'An integer step';
    else if (min > max) errors[p] = 'min must not be above max';
    else ranges[p] = { min, max, step };
  }
  return { ranges, errors };
}

/** Completion tokens the server assumes per cell when it estimates a sweep's cost. */
const EXPECTED_COMPLETION_TOKENS = 300;

/**
 * Cost of a sweep before it starts, as the server estimates it: catalogue price per token ×
 * (prompt tokens + min(max_tokens, 300)) per cell. Prompt tokens are approximated at 4
 * characters per token (the server counts exactly and returns its figure once created).
 */
export function estimateSweepCost(options: {
  costPerToken: number | null | undefined;
  prompt: string;
  combinations: number;
  iterations: number;
  maxTokens: number;
  prompts?: number;
}): number | null {
  if (options.costPerToken === null || options.costPerToken === undefined) return null;
  const promptTokens = Math.ceil(options.prompt.length / 4);
  const completion = Math.min(options.maxTokens, EXPECTED_COMPLETION_TOKENS);
  return (
    options.costPerToken *
    (promptTokens + completion) *
    options.combinations *
    options.iterations *
    (options.prompts ?? 1)
  );
}
