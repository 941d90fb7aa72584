import { z } from 'zod';

const between = (min: number, max: number) => `Value between ${min} and ${max}`;
const ranged = (min: number, max: number) =>
  z
    .number({ error: between(min, max) })
    .min(min, between(min, max))
    .max(max, between(min, max));

/** Upper bound on max_tokens: above every current model's output limit, below abuse. */
export const MAX_TOKENS_LIMIT = 200_000;

/** Sampling parameters; unknown keys are rejected so a typo ("temprature") is not ignored. */
export const ParameterFieldsSchema = z.strictObject({
  temperature: ranged(0, 2),
  top_p: ranged(0, 1),
  max_tokens: z
    .number({ error: `Integer between 1 and ${MAX_TOKENS_LIMIT}` })
    .int(`Integer between 1 and ${MAX_TOKENS_LIMIT}`)
    .min(1, `Integer between 1 and ${MAX_TOKENS_LIMIT}`)
    .max(MAX_TOKENS_LIMIT, `Integer between 1 and ${MAX_TOKENS_LIMIT}`),
  frequency_penalty: ranged(-2, 2),
  presence_penalty: ranged(-2, 2),
  stop: z
    .array(z.string().min(1).max(100), { error: 'Up to 4 stop sequences' })
    .max(4, 'Up to 4 stop sequences')
    .optional(),
  seed: z.number().int('An integer seed').optional(),
});
export type Parameters = z.infer<typeof ParameterFieldsSchema>;

/** Any subset of parameters, as sent by clients. */
export const PartialParametersSchema = ParameterFieldsSchema.partial();
export type PartialParameters = z.infer<typeof PartialParametersSchema>;

/** What an experiment uses when a client leaves a parameter out (the OpenAI defaults, except max_tokens). */
export const DEFAULT_PARAMETERS: Parameters = {
  temperature: 0.7,
  top_p: 1,
  max_tokens: 1000,
  frequency_penalty: 0,
  presence_penalty: 0,
};

export function withDefaults(
  partial: PartialParameters | undefined,
  base: Parameters = DEFAULT_PARAMETERS,
): Parameters {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(partial ?? {}))
    if (value !== undefined) merged[key] = value;
  return merged as Parameters;
}
