import { z } from 'zod';
import { queryString } from '../../lib/query-params.js';

export const SwitchModelBodySchema = z.object({
  provider: z
    .string({ error: 'A provider id: mock, openai, anthropic or ollama' })
    .trim()
    .min(1)
    .max(64),
  model: z
    .string({ error: 'A model id, e.g. gpt-4o' })
    .trim()
    .min(1, 'A model id, e.g. gpt-4o')
    .max(128),
});
export type SwitchModelBody = z.infer<typeof SwitchModelBodySchema>;

export const TestConnectionQuerySchema = z.object({
  provider: queryString(64).describe('Provider to test; defaults to your current provider'),
});

export const ModelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  context_window: z.number().int().nullable(),
  cost_per_token: z.number().nullable().describe('USD per token (mean of input and output prices)'),
  capabilities: z.array(z.string()),
});

export const ProviderInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['connected', 'not_configured', 'error']),
  error: z.string().optional(),
  models: z.array(ModelInfoSchema),
});

export const ModelsListSchema = z.object({
  providers: z.array(ProviderInfoSchema),
  current_provider: z.string(),
  current_model: z.string(),
});

export const ConnectionTestSchema = z.object({
  provider: z.string(),
  status: z.enum(['connected', 'not_configured', 'error']),
  response_time: z.number().nullable().describe('Seconds'),
  test_message: z.string(),
});
