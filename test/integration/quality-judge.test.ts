/**
 * The LLM-as-judge and hybrid engines against a loopback OpenAI-compatible server, through the
 * real OpenAiProvider (and the real MockProvider for the "judge that cannot grade" case).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MockProvider } from '../../src/llm/mock/mock-provider.js';
import { ModelCatalog } from '../../src/llm/pricing.js';
import { OpenAiProvider } from '../../src/llm/providers/openai.js';
import { withResilience } from '../../src/llm/resilience.js';
import { ProviderError, type LlmProvider } from '../../src/llm/types.js';
import { HybridEngine } from '../../src/quality/judge/hybrid-engine.js';
import { JudgeEngine, JudgeFailedError } from '../../src/quality/judge/judge-engine.js';
import { RUBRICS } from '../../src/quality/judge/rubrics.js';
import {
  DIMENSIONS,
  type Dimension,
  type QualityEngine,
  type QualityReport,
} from '../../src/quality/types.js';
import type { Behaviour, FakeServer } from '../helpers/fake-providers/fake-server.js';
import {
  OPENAI_CHAT,
  openAiCompletion,
  openAiError,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';

const INPUT = {
  prompt: 'Explain why the sky is blue, in two short paragraphs, for a curious ten-year-old.',
  content:
    'Sunlight looks white but is a mix of every colour. When it enters the air, it bumps into ' +
    'tiny gas molecules.\n\nBlue light has short waves, so the molecules scatter it all over ' +
    'the sky much more than red light. That scattered blue reaches your eyes from every ' +
    'direction, so the whole sky looks blue.',
};

/** 1-5 verdicts the scripted judge gives, per dimension. */
const VERDICTS: Record<Dimension, number> = {
  coherence: 5,
  creativity: 2,
  readability: 4,
  completeness: 4,
  factual_accuracy: 5,
  relevance: 5,
  engagement: 3,
  technical_depth: 1,
};

function dimensionOf(prompt: string): Dimension {
  const title = /## Dimension: (.+)/.exec(prompt)?.[1];
  const found = DIMENSIONS.find((d) => RUBRICS[d].title === title);
  if (!found) throw new Error(`no rubric heading in the judge prompt: ${prompt.slice(0, 200)}`);
  return found;
}

/** A judge that answers by the rubric in the request; `n` counts requests per dimension. */
function judgeScript(answer: (dimension: Dimension, n: number, prompt: string) => string) {
  const counts = new Map<Dimension, number>();
  const behaviour: Behaviour = (ctx) => {
    const prompt = ctx.body.messages[0].content as string;
    const dimension = dimensionOf(prompt);
    const n = (counts.get(dimension) ?? 0) + 1;
    counts.set(dimension, n);
    return openAiCompletion({ content: answer(dimension, n, prompt) })(ctx);
  };
  return behaviour;
}

function verdict(dimension: Dimension, score: number): string {
  return [
    `Reasoning: The ${dimension} of this answer rates ${score}: the second paragraph carries it.`,
    'Suggestions:',
    `- Improve ${dimension} in the first sentence.`,
    `Score: ${score}`,
  ].join('\n');
}

/** The offline engine's stand-in for this composition test: fixed scores, specific words. */
class FixedHeuristic implements QualityEngine {
  readonly method = 'heuristic' as const;
  constructor(private readonly score0: number) {}
  async score(): Promise<QualityReport> {
    const dimensions = Object.fromEntries(
      DIMENSIONS.map((d) => [
        d,
        { score: this.score0, explanation: `heuristic ${d}`, suggestions: [`heuristic fix ${d}`] },
      ]),
    );
    return { method: 'heuristic', overall_quality: this.score0, dimensions, processingMs: 0 };
  }
}

describe('JudgeEngine against a fake OpenAI-compatible judge', () => {
  let fake: FakeServer;
  let provider: LlmProvider;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    provider = withResilience(new OpenAiProvider({ baseUrl: `${fake.url}/v1` }), {
      timeoutMs: 5_000,
      maxRetries: 0,
      concurrency: 8,
    });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const chats = () => fake.requestsTo(OPENAI_CHAT);
  const chatsFor = (dimension: Dimension) =>
    chats().filter((r) => dimensionOf(r.body.messages[0].content) === dimension);

  it('when the judge answers every rubric, then all eight dimensions are scored on 0-100 with its reasoning', async () => {
    fake.setDefault(
      OPENAI_CHAT,
      judgeScript((d) => verdict(d, VERDICTS[d])),
    );
    const engine = new JudgeEngine({
      provider,
      model: 'gpt-4o-mini',
      pricing: ModelCatalog.load(),
    });

    const report = await engine.score(INPUT);

    expect(report.method).toBe('llm_judge');
    expect(Object.keys(report.dimensions).sort()).toEqual([...DIMENSIONS].sort());
    for (const d of DIMENSIONS) {
      const result = report.dimensions[d]!;
      expect(result.score).toBe(((VERDICTS[d] - 1) / 4) * 100);
      expect(result.explanation).toContain(`The ${d} of this answer rates ${VERDICTS[d]}`);
      expect(result.explanation).not.toMatch(/Score:|Suggestions:/);
      expect(result.suggestions).toEqual([`Improve ${d} in the first sentence.`]);
      expect(result.evidence).toMatchObject({
        raw_score: VERDICTS[d],
        scale: '1-5',
        samples: 1,
        spread: { std_dev: 0 },
      });
    }
    expect(report.dimensions.factual_accuracy!.explanation).toMatch(
      /judge model's general knowledge, not against external sources/,
    );
    const scores = DIMENSIONS.map((d) => report.dimensions[d]!.score);
    expect(report.overall_quality).toBe(
      Math.round((scores.reduce((a, b) => a + b, 0) / 8) * 10) / 10,
    );
    expect(report.metadata).toMatchObject({
      judge_provider: 'openai',
      judge_model: 'gpt-4o-mini',
      temperature: 0,
      samples: 1,
      calls: 8,
      parse_retries: 0,
      token_usage: { prompt: 88, completion: 56, total: 144, source: 'provider' },
    });
    expect(report.metadata?.cost_usd).toBeGreaterThan(0);
    expect(report.metadata).not.toHaveProperty('stability');
    expect(report.metadata).not.toHaveProperty('failed_dimensions');
  });

  it('when the judge is called, then each request carries the rubric, the user prompt and the response with fixed judging parameters', async () => {
    fake.setDefault(
      OPENAI_CHAT,
      judgeScript((d) => verdict(d, 3)),
    );

    await new JudgeEngine({ provider, model: 'gpt-4o-mini' }).score(INPUT);

    expect(chats()).toHaveLength(8);
    const seen = new Set<Dimension>();
    for (const { body } of chats()) {
      const prompt = body.messages[0].content as string;
      const dimension = dimensionOf(prompt);
      seen.add(dimension);
      expect(prompt).toContain(RUBRICS[dimension].definition);
      expect(prompt).toContain(RUBRICS[dimension].steps[1]);
      expect(prompt).toContain(INPUT.prompt);
      expect(prompt).toContain(INPUT.content);
      expect(prompt).toMatch(/Score: <one integer from 1 to 5>/);
      expect(body).toMatchObject({
        model: 'gpt-4o-mini',
        temperature: 0,
        top_p: 1,
        max_tokens: 300,
        frequency_penalty: 0,
        presence_penalty: 0,
      });
    }
    expect(seen.size).toBe(8);
  });

  it('when the judge gives no readable score twice for a dimension, then it is retried once, then marked failed, not faked', async () => {
    fake.setDefault(
      OPENAI_CHAT,
      judgeScript((d) =>
        d === 'creativity' ? 'The prose is pleasant enough, I suppose.' : verdict(d, 4),
      ),
    );

    const report = await new JudgeEngine({ provider, model: 'gpt-4o-mini' }).score(INPUT);

    expect(report.dimensions.creativity).toBeUndefined();
    expect(Object.keys(report.dimensions)).toHaveLength(7);
    expect(report.overall_quality).toBe(75);
    const attempts = chatsFor('creativity');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.body.messages[0].content).not.toMatch(/could not be read/);
    expect(attempts[1]!.body.messages[0].content).toMatch(
      /previous answer could not be read \(no "Score: N" line/,
    );
    expect(report.metadata).toMatchObject({
      calls: 9,
      parse_retries: 1,
      failed_dimensions: {
        creativity: {
          reason: expect.stringMatching(/no readable score after a retry/),
          reply_excerpt: 'The prose is pleasant enough, I suppose.',
        },
      },
    });
  });

  it('when the first answer is out of range and the retry is readable, then the retry scores the dimension', async () => {
    fake.setDefault(
      OPENAI_CHAT,
      judgeScript((d, n) => (d === 'readability' && n === 1 ? 'Score: 9/10' : verdict(d, 4))),
    );

    const report = await new JudgeEngine({ provider, model: 'gpt-4o-mini' }).score(INPUT, {
      dimensions: ['readability', 'relevance'],
    });

    expect(report.dimensions.readability?.score).toBe(75);
    expect(report.dimensions.readability?.evidence).toMatchObject({ parse_retries: 1 });
    expect(chatsFor('readability')[1]!.body.messages[0].content).toMatch(
      /could not be read \(the score 9\/10 is not on the 1-5 scale\)/,
    );
  });

  it('when the judge provider answers 500, then scoring fails with the provider error', async () => {
    fake.setDefault(OPENAI_CHAT, openAiError(500, 'judge exploded'));

    const error = await new JudgeEngine({ provider, model: 'gpt-4o-mini', concurrency: 2 })
      .score(INPUT)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', status: 500, retryable: true });
    expect((error as Error).message).toMatch(/judge exploded/);
    // The first failure stops the queued calls: not all eight dimensions were attempted.
    expect(chats().length).toBeLessThan(8);
  });

  it('when grading each dimension three times with varying answers, then the mean and spread are reported', async () => {
    // 3, 4, 5 for every dimension except relevance, which the judge is sure of.
    fake.setDefault(
      OPENAI_CHAT,
      judgeScript((d, n) => verdict(d, d === 'relevance' ? 5 : n + 2)),
    );

    const report = await new JudgeEngine({ provider, model: 'gpt-4o-mini', samples: 3 }).score(
      INPUT,
    );

    expect(chats()).toHaveLength(24);
    expect(chats().every((r) => r.body.temperature === 0.7)).toBe(true);
    const coherence = report.dimensions.coherence!;
    expect(coherence.score).toBe(75);
    expect(coherence.evidence).toMatchObject({
      samples: 3,
      raw_score: 4,
      raw_scores: [3, 4, 5],
      spread: { std_dev: 25, min: 50, max: 100 },
    });
    expect(coherence.explanation).toMatch(/Mean of 3 gradings: 50, 75, 100 out of 100/);
    expect(report.dimensions.relevance!.evidence).toMatchObject({
      spread: { std_dev: 0, min: 100, max: 100 },
    });
    expect(report.metadata?.stability).toMatchObject({
      samples: 3,
      mean_spread: 21.9, // (7 × 25 + 0) / 8
      max_spread: 25,
      assessment: 'unstable',
      per_dimension: {
        coherence: { mean: 75, std_dev: 25, min: 50, max: 100, scores: [50, 75, 100] },
        relevance: { std_dev: 0, scores: [100, 100, 100] },
      },
    });
  });

  it('when the real mock provider is the judge, then every dimension fails and the error says why', async () => {
    const engine = new JudgeEngine({ provider: new MockProvider(), model: 'mock-balanced' });

    const error = await engine.score(INPUT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JudgeFailedError);
    expect((error as Error).message).toMatch(
      /judge \(mock:mock-balanced\) gave no readable score for any of the 8 requested dimension/,
    );
    expect((error as Error).message).toMatch(/must end its answer with "Score: N"/);
    expect(Object.keys((error as JudgeFailedError).failures).sort()).toEqual(
      [...DIMENSIONS].sort(),
    );
  });

  describe('HybridEngine', () => {
    it('when both engines score, then each dimension is their weighted mean and the judge failure falls back to the heuristic', async () => {
      fake.setDefault(
        OPENAI_CHAT,
        judgeScript((d) => (d === 'creativity' ? 'No idea.' : verdict(d, 4))),
      );
      const judge = new JudgeEngine({ provider, model: 'gpt-4o-mini' });
      const hybrid = new HybridEngine({ heuristic: new FixedHeuristic(50), judge });

      const report = await hybrid.score(INPUT);

      expect(report.method).toBe('hybrid');
      const coherence = report.dimensions.coherence!;
      expect(coherence.score).toBe(65); // 0.6 × 75 + 0.4 × 50
      expect(coherence.explanation).toMatch(/^LLM judge \(75\/100, weight 0\.6\): The coherence/);
      expect(coherence.explanation).toMatch(
        /\nHeuristic \(50\/100, weight 0\.4\): heuristic coherence$/,
      );
      expect(coherence.suggestions).toEqual([
        'Improve coherence in the first sentence.',
        'heuristic fix coherence',
      ]);
      expect(coherence.evidence).toMatchObject({
        judge_score: 75,
        heuristic_score: 50,
        judge_weight: 0.6,
        judge: { raw_score: 4 },
      });
      const creativity = report.dimensions.creativity!;
      expect(creativity.score).toBe(50);
      expect(creativity.explanation).toMatch(
        /LLM judge could not score this dimension \(no readable score after a retry.*heuristic score alone/,
      );
      expect(report.overall_quality).toBe(Math.round(((7 * 65 + 50) / 8) * 10) / 10);
      expect(report.metadata).toMatchObject({
        judge_weight: 0.6,
        component_overall: { heuristic: 50 },
        fallback_dimensions: { creativity: expect.stringMatching(/no readable score/) },
        judge: { judge_model: 'gpt-4o-mini', calls: 9 },
      });
    });

    it('when the judge provider is down, then hybrid falls back to the heuristic and records why', async () => {
      fake.setDefault(OPENAI_CHAT, openAiError(500, 'judge exploded'));
      const judge = new JudgeEngine({ provider, model: 'gpt-4o-mini' });
      const overall = (dims: Partial<Record<Dimension, { score: number }>>) =>
        Object.keys(dims).length;

      const report = await new HybridEngine({
        heuristic: new FixedHeuristic(40),
        judge,
        overall,
      }).score(INPUT, { dimensions: ['coherence', 'relevance'] });

      expect(report.dimensions.coherence?.score).toBe(40);
      expect(report.dimensions.relevance?.explanation).toMatch(/judge exploded/);
      expect(report.overall_quality).toBe(2);
      expect(report.metadata?.judge_error).toMatch(/HTTP 500/);
      await expect(
        new HybridEngine({
          heuristic: new FixedHeuristic(40),
          judge,
          failOnJudgeError: true,
        }).score(INPUT),
      ).rejects.toBeInstanceOf(ProviderError);
    });

    it('when the judge grades k times, then hybrid passes its stability report on', async () => {
      fake.setDefault(
        OPENAI_CHAT,
        judgeScript((d, n) => verdict(d, n === 1 ? 2 : 4)),
      );
      const judge = new JudgeEngine({ provider, model: 'gpt-4o-mini', samples: 2 });

      const report = await new HybridEngine({
        heuristic: new FixedHeuristic(50),
        judge,
        judgeWeight: 0.5,
      }).score(INPUT, { dimensions: ['engagement'] });

      // Judge mean of 25 and 75 is 50; with the heuristic's 50 at equal weight, 50.
      expect(report.dimensions.engagement?.score).toBe(50);
      expect(report.metadata?.stability).toMatchObject({ samples: 2, max_spread: 35.4 });
    });
  });
});
