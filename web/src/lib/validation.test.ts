import { describe, expect, it } from 'vitest';
import { parseTags, validateExperiment, type ExperimentDraft } from './validation';

const valid: ExperimentDraft = {
  name: 'Docs test',
  description: '',
  prompt: 'Explain neural networks',
  model: 'mock-balanced',
  tags: 'a, b',
  parameters: {
    temperature: 0.7,
    top_p: 1,
    max_tokens: 1000,
    frequency_penalty: 0,
    presence_penalty: 0,
  },
};

describe('validateExperiment', () => {
  it('when every field is within the API limits, then there is no error', () => {
    expect(validateExperiment(valid)).toEqual({});
  });

  it('when the name is blank and the prompt only whitespace, then both get the API messages', () => {
    expect(validateExperiment({ ...valid, name: '  ', prompt: '   ' })).toEqual({
      name: 'A name (text, 1-255 characters)',
      prompt: 'A prompt that is not only whitespace',
    });
  });

  it('when parameters are out of range, then each is reported with the schema message', () => {
    const errors = validateExperiment({
      ...valid,
      parameters: {
        ...valid.parameters,
        temperature: 2.5,
        max_tokens: 0.5,
        presence_penalty: Number.NaN,
      },
    });

    expect(errors.temperature).toBe('Value between 0 and 2');
    expect(errors.max_tokens).toBe('Integer between 1 and 200000');
    expect(errors.presence_penalty).toBeDefined();
  });

  it('when there are more than 32 tags, then the tags field is refused', () => {
    const tags = Array.from({ length: 33 }, (_, i) => `t${i}`).join(',');

    expect(validateExperiment({ ...valid, tags }).tags).toBe('At most 32 tags');
  });
});

describe('parseTags', () => {
  it('when tags repeat or are blank, then they are trimmed, deduplicated and dropped', () => {
    expect(parseTags(' a, b ,, a ,c')).toEqual(['a', 'b', 'c']);
  });
});
