import { describe, expect, it } from 'vitest';
import { JudgeEngine, JudgeFailedError } from '../../src/quality/judge/judge-engine.js';
import { HybridEngine } from '../../src/quality/judge/hybrid-engine.js';
import { stabilityReport } from '../../src/quality/judge/stability.js';
import { spreadOf, meanOverall } from '../../src/quality/judge/stats.js';
import type {
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  StreamChunk,
} from '../../src/llm/types.js';
import type { QualityEngine, QualityReport } from '../../src/quality/types.js';

type Reply = string | { content: string; logprobs?: unknown };

/** A provider answering from a function of the request; records every request. */
class ScriptedProvider implements LlmProvider {
  readonly id = 'scripted';
  readonly name = 'Scripted';
  readonly configured = true;
  readonly requests: GenerateRequest[] = [];

  constructor(private readonly reply: (request: GenerateRequest, n: number) => Reply) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.requests.push(request);
    if (request.signal?.aborted) throw request.signal.reason;
    const reply = this.reply(request, this.requests.length);
    const { content, logprobs } = typeof reply === 'string' ? { content: reply } : reply;
    return {
      content,
      tokenUsage: { prompt: 100, completion: 20, total: 120, source: 'provider' },
      finishReason: 'stop',
      latencyMs: 1,
      model: request.model,
      metadata: {
        provider: this.id,
        dropped_parameters: [],
        ...(logprobs ? { logprobs } : {}),
      },
    };
  }

  // eslint-disable-next-line require-yield
  async *stream(): AsyncIterable<StreamChunk> {
    throw new Error('not used');
  }

  async listModels() {
    return [];
  }

  async testConnection() {
    return { ok: true, latencyMs: 0, message: 'ok' };
  }
}

const INPUT = {
  prompt: 'Explain TCP slow start.',
  content: 'TCP slow start doubles cwnd each RTT.',
};

describe('JudgeEngine with a scripted provider', () => {
  it('when the provider returns logprobs, then the score is their probability-weighted mean', async () => {
    const content = 'Reasoning: Precise.\nScore: 4';
    const provider = new ScriptedProvider(() => ({
      content,
      logprobs: [
        { token: 'Reasoning: Precise.\nScore:', logprob: -0.1 },
        {
          token: ' 4',
          logprob: Math.log(0.5),
          top_logprobs: [
            { token: ' 4', logprob: Math.log(0.5) },
            { token: ' 5', logprob: Math.log(0.5) },
          ],
        },
      ],
    }));
    const engine = new JudgeEngine({ provider, model: 'judge-1' });

    const report = await engine.score(INPUT, { dimensions: ['technical_depth'] });

    const result = report.dimensions.technical_depth!;
    expect(result.score).toBe(87.5); // 4.5 on 1-5
    expect(result.evidence).toMatchObject({ raw_score: 4.5, scoring: 'logprob_weighted' });
  });

  it('when no logprobs are returned, then the parsed integer is the score', async () => {
    const provider = new ScriptedProvider(() => 'Reasoning: Fine.\nScore: 4');
    const report = await new JudgeEngine({ provider, model: 'j' }).score(INPUT, {
      dimensions: ['coherence'],
    });
    expect(report.dimensions.coherence).toMatchObject({
      score: 75,
      explanation: 'Fine.',
      evidence: { raw_score: 4, scale: '1-5', samples: 1, scoring: 'parsed' },
    });
  });

  it('when one of k gradings is unreadable twice, then the others still make the score', async () => {
    const provider = new ScriptedProvider((request) =>
      request.iteration === 2 ? 'I cannot decide.' : `Reasoning: ok.\nScore: ${request.iteration}`,
    );
    const engine = new JudgeEngine({ provider, model: 'j', samples: 3 });

    const report = await engine.score(INPUT, { dimensions: ['readability'] });

    const evidence = report.dimensions.readability!.evidence!;
    expect(evidence.samples).toBe(2);
    expect(evidence.raw_scores).toEqual([1, 3]);
    expect(evidence.samples_requested).toBe(3);
    expect(evidence.failed_samples).toHaveLength(1);
    expect(report.metadata).toMatchObject({ calls: 4, parse_retries: 1 });
  });

  it('when samples > 1, then the default temperature is 0.7 and temperature 0 is refused', async () => {
    const provider = new ScriptedProvider(() => 'Score: 3');
    await new JudgeEngine({ provider, model: 'j', samples: 2 }).score(INPUT, {
      dimensions: ['relevance'],
    });
    expect(provider.requests.map((r) => r.parameters.temperature)).toEqual([0.7, 0.7]);
    expect(provider.requests.map((r) => r.iteration)).toEqual([1, 2]);
    expect(() => new JudgeEngine({ provider, model: 'j', samples: 3, temperature: 0 })).toThrow(
      /needs a temperature above 0/,
    );
  });

  it('when one sample, then the call is deterministic: temperature 0, top_p 1, no penalties, 300 tokens', async () => {
    const provider = new ScriptedProvider(() => 'Score: 3');
    await new JudgeEngine({ provider, model: 'j' }).score(INPUT, { dimensions: ['relevance'] });
    expect(provider.requests[0]?.parameters).toEqual({
      temperature: 0,
      top_p: 1,
      max_tokens: 300,
      frequency_penalty: 0,
      presence_penalty: 0,
    });
  });

  it.each([
    [{ samples: 0 }, /samples/],
    [{ samples: 1.5 }, /samples/],
    [{ samples: 21 }, /samples/],
    [{ temperature: 3 }, /temperature/],
    [{ concurrency: 0 }, /concurrency/],
    [{ model: ' ' }, /model/],
  ])('when constructed with %j, then it refuses', (options, message) => {
    const provider = new ScriptedProvider(() => 'Score: 3');
    expect(() => new JudgeEngine({ provider, model: 'j', ...options })).toThrow(message);
  });

  it('when every dimension fails, then the error names the judge and every reason', async () => {
    const provider = new ScriptedProvider(() => 'Score: 9');
    const engine = new JudgeEngine({ provider, model: 'j' });
    const error = await engine
      .score(INPUT, { dimensions: ['coherence', 'engagement'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JudgeFailedError);
    expect((error as Error).message).toMatch(/scripted:j.*2 requested dimension.*outside the 1-5/);
    expect(Object.keys((error as JudgeFailedError).failures)).toEqual(['coherence', 'engagement']);
  });

  it('when the caller aborts, then scoring rejects with the abort reason and stops calling', async () => {
    const controller = new AbortController();
    const provider = new ScriptedProvider(() => {
      controller.abort(new Error('client went away'));
      return 'Score: 3';
    });
    const engine = new JudgeEngine({ provider, model: 'j', concurrency: 1 });
    await expect(engine.score(INPUT, { signal: controller.signal })).rejects.toThrow(
      'client went away',
    );
    expect(provider.requests.length).toBeLessThan(8);
  });

  it('when a custom overall function is given, then it makes overall_quality', async () => {
    const provider = new ScriptedProvider(() => 'Score: 5');
    const report = await new JudgeEngine({ provider, model: 'j', overall: () => 42 }).score(INPUT, {
      dimensions: ['coherence'],
    });
    expect(report.overall_quality).toBe(42);
  });

  it('when priced, then the report carries tokens and cost of every call', async () => {
    const provider = new ScriptedProvider(() => 'Score: 5');
    const pricing = { cost: (_p: string, _m: string, u: { prompt: number }) => u.prompt / 1e4 };
    const report = await new JudgeEngine({ provider, model: 'j', pricing }).score(INPUT, {
      dimensions: ['coherence', 'creativity'],
    });
    expect(report.metadata).toMatchObject({
      calls: 2,
      token_usage: { prompt: 200, completion: 40, total: 240, source: 'provider' },
      cost_usd: 0.02,
    });
  });
});

describe('HybridEngine composition (scripted engines)', () => {
  const fixed = (method: 'heuristic' | 'llm_judge', score: number): QualityEngine => ({
    method,
    async score(): Promise<QualityReport> {
      return {
        method,
        overall_quality: score,
        dimensions: { coherence: { score, explanation: `${method} says`, suggestions: [] } },
        processingMs: 0,
      };
    },
  });

  it('when the weight is 0 or 1, then one engine decides', async () => {
    const h = fixed('heuristic', 40);
    const j = fixed('llm_judge', 90);
    const only = { dimensions: ['coherence'] as const };
    expect(
      (await new HybridEngine({ heuristic: h, judge: j, judgeWeight: 1 }).score(INPUT, only))
        .overall_quality,
    ).toBe(90);
    expect(
      (await new HybridEngine({ heuristic: h, judge: j, judgeWeight: 0 }).score(INPUT, only))
        .overall_quality,
    ).toBe(40);
    expect(() => new HybridEngine({ heuristic: h, judge: j, judgeWeight: 1.5 })).toThrow(
      /judgeWeight/,
    );
  });

  it('when the heuristic fails, then the report fails', async () => {
    const broken: QualityEngine = {
      method: 'heuristic',
      score: () => Promise.reject(new Error('no model loaded')),
    };
    const hybrid = new HybridEngine({ heuristic: broken, judge: fixed('llm_judge', 90) });
    await expect(hybrid.score(INPUT)).rejects.toThrow('no model loaded');
  });
});

describe('judge statistics', () => {
  it('spreadOf reports the sample standard deviation and the range', () => {
    expect(spreadOf([50, 75, 100])).toEqual({ mean: 75, std_dev: 25, min: 50, max: 100 });
    expect(spreadOf([60])).toEqual({ mean: 60, std_dev: 0, min: 60, max: 60 });
    expect(() => spreadOf([])).toThrow();
  });

  it.each([
    [[75, 75, 75], 'stable'],
    [[50, 50, 75], 'moderate'], // one grading a step off: std dev 14.4
    [[50, 75, 100], 'unstable'], // a step either way: std dev 25
  ] as const)('stabilityReport calls gradings %j %s', (scores, assessment) => {
    const report = stabilityReport(3, {
      coherence: { ...spreadOf(scores), scores: [...scores] },
      relevance: { ...spreadOf([75, 75, 75]), scores: [75, 75, 75] },
    });
    expect(report.assessment).toBe(assessment);
    expect(report.max_spread).toBe(spreadOf(scores).std_dev);
    expect(report.mean_spread).toBe(Math.round((spreadOf(scores).std_dev / 2) * 10) / 10);
  });

  it('meanOverall is the plain mean of scored dimensions', () => {
    expect(meanOverall({ coherence: { score: 50 }, relevance: { score: 75 } })).toBe(62.5);
    expect(meanOverall({})).toBe(0);
  });
});
