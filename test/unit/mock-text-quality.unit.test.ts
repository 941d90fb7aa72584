import { describe, expect, it } from 'vitest';
import { MockProvider } from '../../src/llm/mock/mock-provider.js';
import { analyzePrompt } from '../../src/llm/mock/topic.js';
import { englishVocabulary } from '../../src/llm/mock/vocabulary.js';
import { countTokens } from '../../src/llm/tokens.js';
import type { SamplingParameters } from '../../src/llm/types.js';

/*
 * Properties of the mock's text, measured over several prompts and iterations rather than on
 * fixtures: the parameters must move the measures the way they move real models' output.
 */

const PROMPTS = [
  'Explain how neural networks learn',
  'Describe the water cycle',
  'Why do cats purr?',
  'Write a story about a lighthouse keeper',
  'How to bake sourdough bread at home',
  'Compare Python and JavaScript for web development',
];
const ITERATIONS = [1, 2, 3];
const BASE: SamplingParameters = {
  temperature: 0.8,
  top_p: 1,
  max_tokens: 4000,
  frequency_penalty: 0,
  presence_penalty: 0,
};

const provider = new MockProvider();
const vocabulary = englishVocabulary();

async function write(
  prompt: string,
  parameters: Partial<SamplingParameters> = {},
  iteration = 1,
  model = 'mock-balanced',
): Promise<string> {
  const result = await provider.generate({
    prompt,
    model,
    parameters: { ...BASE, ...parameters },
    iteration,
  });
  return result.content;
}

const words = (text: string): string[] => text.toLowerCase().match(/[a-z][a-z'-]*/g) ?? [];

/** Share of word trigrams that repeat an earlier one: 0 for fresh text, high for loops. */
function repetition(text: string): number {
  const w = words(text);
  const trigrams = w.slice(2).map((_, i) => `${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return trigrams.length === 0 ? 0 : 1 - new Set(trigrams).size / trigrams.length;
}

/** Distinct words over all words (type–token ratio). */
const lexicalDiversity = (text: string): number => new Set(words(text)).size / words(text).length;

/** Share of words that are neither the mock's English nor the prompt's: the decay measure. */
function incoherence(text: string, prompt: string): number {
  const fromPrompt = new Set(words(prompt));
  const all = words(text);
  return all.filter((w) => !vocabulary.has(w) && !fromPrompt.has(w)).length / all.length;
}

/** Share of words that are the prompt's content words. */
function topicShare(text: string, prompt: string): number {
  const keywords = new Set(analyzePrompt(prompt).keywords);
  const all = words(text);
  return all.filter((w) => keywords.has(w)).length / all.length;
}

/** A measure averaged over every prompt and iteration at the given parameters. */
async function average(
  measure: (text: string, prompt: string) => number,
  parameters: Partial<SamplingParameters>,
): Promise<number> {
  let sum = 0;
  let n = 0;
  for (const prompt of PROMPTS) {
    for (const iteration of ITERATIONS) {
      sum += measure(await write(prompt, parameters, iteration), prompt);
      n += 1;
    }
  }
  return sum / n;
}

describe('mock text: determinism', () => {
  it('when the same request is made twice, even on another instance, then the text is identical', async () => {
    const other = new MockProvider();
    for (const prompt of PROMPTS) {
      for (const temperature of [0.2, 0.8, 1.7]) {
        const request = {
          prompt,
          model: 'mock-creative',
          parameters: { ...BASE, temperature, top_p: 0.9, frequency_penalty: 0.4 },
          iteration: 2,
        };
        const [a, b] = [await provider.generate(request), await other.generate(request)];
        expect(b.content).toBe(a.content);
        expect(b.metadata.seed).toBe(a.metadata.seed);
      }
    }
  });

  it('when only the iteration changes, then every prompt gets a different text', async () => {
    for (const prompt of PROMPTS) {
      for (const temperature of [0.2, 0.8, 1.5]) {
        const texts = new Set<string>();
        for (const iteration of ITERATIONS)
          texts.add(await write(prompt, { temperature }, iteration));
        expect(texts.size).toBe(ITERATIONS.length);
      }
    }
  });

  it('when the seed parameter changes, then the text changes', async () => {
    for (const prompt of PROMPTS) {
      expect(await write(prompt, { seed: 1 })).not.toBe(await write(prompt, { seed: 2 }));
    }
  });
});

describe('mock text: temperature', () => {
  it('when the temperature falls, then repetition rises', async () => {
    const cold = await average(repetition, { temperature: 0.1 });
    const cool = await average(repetition, { temperature: 0.3 });
    const warm = await average(repetition, { temperature: 0.8 });
    expect(cold).toBeGreaterThan(cool);
    expect(cool).toBeGreaterThan(warm);
    expect(cold).toBeGreaterThan(warm * 2);
  });

  it('when the temperature falls, then lexical diversity falls', async () => {
    expect(await average(lexicalDiversity, { temperature: 0.1 })).toBeLessThan(
      (await average(lexicalDiversity, { temperature: 0.8 })) - 0.1,
    );
  });

  it('when the temperature climbs past 1.2, then incoherence rises towards word salad', async () => {
    const warm = await average(incoherence, { temperature: 0.8 });
    const hot = await average(incoherence, { temperature: 1.6 });
    const boiling = await average(incoherence, { temperature: 2 });
    expect(warm).toBeLessThan(0.01);
    expect(hot).toBeGreaterThan(warm + 0.04);
    expect(boiling).toBeGreaterThan(hot + 0.1);
    expect(boiling).toBeGreaterThan(0.2);
  });

  it('when the temperature climbs past 1.2, then the text drifts off the prompt topic', async () => {
    const warm = await average(topicShare, { temperature: 0.8 });
    const boiling = await average(topicShare, { temperature: 2 });
    expect(boiling).toBeLessThan(warm / 2);
  });

  it('when the temperature is moderate, then the prompt topic appears in every text', async () => {
    for (const prompt of PROMPTS) {
      const topicWords = analyzePrompt(prompt).main.words;
      for (const iteration of ITERATIONS) {
        const text = words(await write(prompt, { temperature: 0.8 }, iteration));
        expect(topicWords.some((w) => text.includes(w))).toBe(true);
      }
    }
  });
});

describe('mock text: top_p and penalties', () => {
  it('when top_p is low, then the vocabulary narrows', async () => {
    const narrow = await average(lexicalDiversity, { top_p: 0.2 });
    const full = await average(lexicalDiversity, { top_p: 1 });
    expect(narrow).toBeLessThan(full - 0.1);
  });

  it('when top_p is low, then fewer distinct words appear across iterations', async () => {
    for (const prompt of PROMPTS.slice(0, 3)) {
      const vocab = async (top_p: number): Promise<number> => {
        const all = new Set<string>();
        for (const iteration of ITERATIONS) {
          for (const w of words(await write(prompt, { top_p }, iteration))) all.add(w);
        }
        return all.size;
      };
      expect(await vocab(0.2)).toBeLessThan((await vocab(1)) * 0.8);
    }
  });

  it('when a frequency penalty is set, then repetition falls; when negative, it rises', async () => {
    const none = await average(repetition, { temperature: 0.3 });
    expect(await average(repetition, { temperature: 0.3, frequency_penalty: 1 })).toBeLessThan(
      none * 0.75,
    );
    expect(await average(repetition, { temperature: 0.3, frequency_penalty: -1 })).toBeGreaterThan(
      none * 1.25,
    );
    expect(await average(repetition, { frequency_penalty: 1.5 })).toBeLessThan(
      await average(repetition, {}),
    );
  });

  it('when a presence penalty is set, then repetition falls', async () => {
    expect(await average(repetition, { temperature: 0.3, presence_penalty: 1 })).toBeLessThan(
      (await average(repetition, { temperature: 0.3 })) * 0.75,
    );
  });
});

describe('mock text: length and shape', () => {
  it('when max_tokens is small, then the text is cut to it with finish reason length', async () => {
    for (const prompt of PROMPTS) {
      const full = await write(prompt);
      for (const max_tokens of [1, 7, 25, 60]) {
        const result = await provider.generate({
          prompt,
          model: 'mock-balanced',
          parameters: { ...BASE, max_tokens },
        });
        expect(countTokens(result.content)).toBeLessThanOrEqual(max_tokens);
        expect(result.tokenUsage.completion).toBe(countTokens(result.content));
        expect(result.finishReason).toBe('length');
        // Same seed, so the cut text is a prefix of the full answer.
        expect(full.startsWith(result.content)).toBe(true);
      }
    }
  });

  it('when max_tokens is generous, then the text ends naturally with finish reason stop', async () => {
    const result = await provider.generate({
      prompt: PROMPTS[0] as string,
      model: 'mock-balanced',
      parameters: BASE,
    });
    expect(result.finishReason).toBe('stop');
    expect(result.content).toMatch(/[.!?]$/);
  });

  it('when a stop sequence occurs, then the text ends just before it with finish reason stop', async () => {
    for (const prompt of PROMPTS) {
      const full = await write(prompt);
      const stop = full.split(/\s+/)[12] as string;
      const result = await provider.generate({
        prompt,
        model: 'mock-balanced',
        parameters: { ...BASE, stop: ['NEVER-APPEARS', stop] },
      });
      expect(result.content).toBe(full.slice(0, full.indexOf(stop)));
      expect(result.finishReason).toBe('stop');
    }
  });

  it('when the model is balanced, then answers run to several paragraphs and a few hundred tokens', async () => {
    for (const prompt of PROMPTS) {
      for (const iteration of ITERATIONS) {
        const text = await write(prompt, {}, iteration);
        expect(text.split('\n\n').length).toBeGreaterThanOrEqual(3);
        expect(countTokens(text)).toBeGreaterThan(120);
      }
    }
  });

  it('when the model changes, then length follows its style: fast < balanced < creative', async () => {
    const tokens = async (model: string): Promise<number> => {
      let sum = 0;
      for (const prompt of PROMPTS) sum += countTokens(await write(prompt, {}, 1, model));
      return sum / PROMPTS.length;
    };
    const [fast, balanced, creative] = [
      await tokens('mock-fast'),
      await tokens('mock-balanced'),
      await tokens('mock-creative'),
    ];
    expect(fast).toBeLessThan(balanced * 0.6);
    expect(creative).toBeGreaterThan(balanced * 1.3);
  });

  it('when the model is creative, then figurative language is far more common than in fast', async () => {
    const similes = async (model: string): Promise<number> => {
      let count = 0;
      for (const prompt of PROMPTS)
        count +=
          (await write(prompt, {}, 1, model)).split(
            /\blike (a|an|the|light|seeds|sparks|threads|footsteps|frost|bread)\b/,
          ).length - 1;
      return count;
    };
    expect(await similes('mock-creative')).toBeGreaterThan((await similes('mock-fast')) + 5);
  });

  it('when the model is precise, then explanations are structured with headings and numbered points', async () => {
    const text = await write('Explain how neural networks learn', {}, 1, 'mock-precise');
    expect(text).toMatch(/^## /m);
    expect(text).toMatch(/^1\. \*\*/m);
  });
});
