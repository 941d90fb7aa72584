import {
  ParameterFieldsSchema,
  type Parameters,
} from '../../../src/modules/experiments/parameters.schema.js';

export { ParameterFieldsSchema };

export interface ExperimentDraft {
  name: string;
  description: string;
  prompt: string;
  model: string;
  tags: string;
  parameters: Parameters;
}

export type DraftErrors = Partial<
  Record<'name' | 'prompt' | 'model' | 'tags' | keyof Parameters, string>
>;

/**
 * The experiment form's checks, with the API's limits and messages (the parameters go
 * through the API's own schema), so most mistakes show before a round trip.
 */
export function validateExperiment(draft: ExperimentDraft): DraftErrors {
  const errors: DraftErrors = {};
  const name = draft.name.trim();
  if (name.length < 1 || name.length > 255) errors.name = 'A name (text, 1-255 characters)';
  if (draft.prompt.length < 1 || draft.prompt.length > 100_000)
    errors.prompt = 'A prompt (text, 1-100000 characters)';
  else if (draft.prompt.trim().length === 0) errors.prompt = 'A prompt that is not only whitespace';
  if (!draft.model.trim()) errors.model = 'A model id, e.g. gpt-4o';
  const tags = parseTags(draft.tags);
  if (tags.length > 32) errors.tags = 'At most 32 tags';
  else if (tags.some((t) => t.length > 64)) errors.tags = 'Tags of at most 64 characters';
  const parsed = ParameterFieldsSchema.safeParse(draft.parameters);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof Parameters | undefined;
      if (key && !errors[key]) errors[key] = issue.message;
    }
  return errors;
}

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}
