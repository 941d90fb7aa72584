import { describe, expect, it } from 'vitest';
import {
  agree,
  fixArticles,
  gerund,
  isPluralPhrase,
  pluralNoun,
} from '../../src/llm/mock/grammar.js';
import { MockProvider } from '../../src/llm/mock/mock-provider.js';
import { detectTask } from '../../src/llm/mock/task-type.js';
import { analyzePrompt } from '../../src/llm/mock/topic.js';
import { NAMES } from '../../src/llm/mock/word-banks.js';
import type { SamplingParameters } from '../../src/llm/types.js';

const PARAMS: SamplingParameters = {
  temperature: 0.7,
  top_p: 1,
  max_tokens: 4000,
  frequency_penalty: 0,
  presence_penalty: 0,
};
const provider = new MockProvider();
const write = async (prompt: string, model = 'mock-balanced', iteration = 1): Promise<string> =>
  (await provider.generate({ prompt, model, parameters: PARAMS, iteration })).content;

describe('mock prompt analysis', () => {
  it.each([
    ['Explain how neural networks learn', 'expository'],
    ['Describe the water cycle', 'expository'],
    ['Write a short story about a dragon', 'narrative'],
    ['Write a poem about autumn leaves', 'poem'],
    ['How to bake sourdough bread', 'steps'],
    ['List five tips for better sleep', 'steps'],
    ['Compare Python and JavaScript', 'compare'],
    ['What is the difference between TCP and UDP?', 'compare'],
    ['Summarize the causes of the French Revolution', 'summary'],
    ['Why do cats purr?', 'answer'],
    ['photosynthesis', 'expository'],
  ])('when the prompt is %j, then the task is %s', (prompt, task) => {
    expect(detectTask(prompt)).toBe(task);
  });

  it.each([
    ['Explain how neural networks learn', 'neural networks', 'learn'],
    ['Describe the water cycle', 'the water cycle', undefined],
    ['How does photosynthesis work?', 'photosynthesis', 'work'],
    ['Write a short story about a lighthouse keeper', 'the lighthouse keeper', undefined],
    ['Can you explain climate change and its effects on farming?', 'climate change', undefined],
    ['How to bake sourdough bread at home', 'sourdough bread', undefined],
  ])(
    'when the prompt is %j, then the main topic is %j and its verb %j',
    (prompt, topic, action) => {
      const analysis = analyzePrompt(prompt);
      expect(analysis.main.text).toBe(topic);
      expect(analysis.action).toBe(action);
    },
  );

  it('when a comparison names two things, then both are found in order', () => {
    const analysis = analyzePrompt('Compare Python and JavaScript for web development');
    expect(analysis.compare?.map((t) => t.text)).toEqual(['Python', 'JavaScript']);
  });

  it('when the prompt has no content words, then a neutral topic stands in', () => {
    expect(analyzePrompt('Please explain this to me.').main.text).toBe('this topic');
    expect(analyzePrompt('').main.text).toBe('this topic');
  });
});

describe('mock grammar', () => {
  it('when phrases are singular or plural, then verbs agree with them', () => {
    expect(isPluralPhrase('neural networks')).toBe(true);
    expect(isPluralPhrase('photosynthesis')).toBe(false);
    expect(isPluralPhrase('physics')).toBe(false);
    expect(isPluralPhrase('LLMs')).toBe(true);
    expect(isPluralPhrase('AWS')).toBe(false);
    expect(agree('be', true)).toBe('are');
    expect(agree('rely on', false)).toBe('relies on');
    expect(gerund('shape')).toBe('shaping');
    expect(pluralNoun('dependency')).toBe('dependencies');
  });

  it('when articles precede vowels, then a/an is fixed', () => {
    expect(fixArticles('a important step, a useful one, A hour, a API')).toBe(
      'an important step, a useful one, An hour, an API',
    );
  });
});

describe('mock output shape by task', () => {
  it('when asked for steps, then the answer is a numbered list', async () => {
    const text = await write('How to bake sourdough bread at home');
    expect(text.match(/^\d+\. /gm)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(text).toContain('sourdough bread');
  });

  it('when asked to compare, then both things are discussed, and precise adds a table', async () => {
    const prompt = 'Compare Python and JavaScript for web development';
    for (const model of ['mock-fast', 'mock-balanced', 'mock-creative', 'mock-precise']) {
      const text = await write(prompt, model);
      expect(text).toContain('Python');
      expect(text).toContain('JavaScript');
    }
    expect(await write(prompt, 'mock-precise')).toMatch(/^\| Aspect \| Python \| JavaScript \|$/m);
  });

  it('when asked for a story, then it is narrated in the past tense around a protagonist', async () => {
    const text = await write('Write a short story about a lighthouse keeper');
    expect(NAMES.some((name) => text.includes(name))).toBe(true);
    expect(text).toMatch(/\b(was|had|thought)\b/);
    expect(text).toContain('lighthouse keeper');
  });

  it('when asked for a poem, then it comes in short lines and stanzas', async () => {
    const text = await write('Write a poem about autumn leaves');
    const lines = text.split('\n').filter((l) => l.trim().length > 0);
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(Math.max(...lines.map((l) => l.split(' ').length))).toBeLessThan(20);
    expect(text.split('\n\n').length).toBeGreaterThanOrEqual(2);
  });

  it('when asked for a summary, then it is shorter than an explanation of the same topic', async () => {
    const summary = await write('Summarize the causes of the French Revolution');
    const explanation = await write('Explain the causes of the French Revolution');
    expect(summary.length).toBeLessThan(explanation.length * 0.7);
  });

  it('when the prompt asks for brevity, then the answer is about half as long', async () => {
    for (const iteration of [1, 2, 3]) {
      const full = await write('Explain how vaccines work', 'mock-balanced', iteration);
      const brief = await write('Briefly explain how vaccines work', 'mock-balanced', iteration);
      expect(brief.length).toBeLessThan(full.length * 0.75);
    }
  });

  it('when asked for a haiku, then it is three lines', async () => {
    for (const model of ['mock-fast', 'mock-creative']) {
      expect((await write('Write a haiku about coffee', model)).split('\n')).toHaveLength(3);
    }
  });
});
