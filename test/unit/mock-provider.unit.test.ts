import { describe, expect, it } from 'vitest';
import { MockProvider } from '../../src/llm/mock/mock-provider.js';
import { ModelCatalog } from '../../src/llm/pricing.js';
import { countTokens } from '../../src/llm/tokens.js';
import { ProviderError, type GenerateRequest, type StreamChunk } from '../../src/llm/types.js';

const MODELS = ['mock-fast', 'mock-balanced', 'mock-creative', 'mock-precise'];
const PROMPTS = [
  'Explain how neural networks learn',
  'Write a poem about the sea',
  'How to learn chess',
];

function request(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    prompt: 'Explain how neural networks learn',
    model: 'mock-balanced',
    parameters: {
      temperature: 0.7,
      top_p: 1,
      max_tokens: 2000,
      frequency_penalty: 0,
      presence_penalty: 0,
    },
    iteration: 1,
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('MockProvider contract', () => {
  it('when created, then it identifies as the configured offline provider', () => {
    const provider = new MockProvider();
    expect(provider.id).toBe('mock');
    expect(provider.name).toBe('Mock (offline)');
    expect(provider.configured).toBe(true);
  });

  it('when generating, then usage, finish reason and metadata describe the result', async () => {
    const req = request();
    const result = await new MockProvider().generate(req);
    expect(result.model).toBe('mock-balanced');
    expect(result.finishReason).toBe('stop');
    expect(result.tokenUsage).toEqual({
      prompt: countTokens(req.prompt),
      completion: countTokens(result.content),
      total: countTokens(req.prompt) + countTokens(result.content),
      source: 'provider',
    });
    expect(result.metadata).toMatchObject({
      provider: 'mock',
      dropped_parameters: [],
      style: 'balanced',
    });
    expect(typeof result.metadata.seed).toBe('number');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('when listing models, then the four mock models come with catalogue prices', async () => {
    const catalog = ModelCatalog.load();
    const models = await new MockProvider({ catalog }).listModels();
    expect(models.map((m) => m.id)).toEqual(MODELS);
    for (const model of models) {
      expect(model).toEqual(catalog.describe('mock', model.id));
      expect(model.cost_per_token).toBeGreaterThan(0);
    }
  });

  it('when testing the connection, then it answers ok at once', async () => {
    const result = await new MockProvider().testConnection();
    expect(result.ok).toBe(true);
    expect(result.latencyMs).toBeLessThan(100);
  });

  it('when the model is unknown, then a non-retryable 404 names the valid models', async () => {
    const provider = new MockProvider();
    const error = await rejection(provider.generate(request({ model: 'gpt-4o' })));
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.provider).toBe('mock');
    for (const id of MODELS) expect(error.message).toContain(id);
    await rejection(collect(provider.stream(request({ model: 'mock-unknown' }))));
  });
});

describe('MockProvider streaming', () => {
  it('when streaming, then the deltas concatenate to what generate returns', async () => {
    const provider = new MockProvider();
    for (const model of MODELS) {
      for (const prompt of PROMPTS) {
        for (const parameters of [
          request().parameters,
          { ...request().parameters, temperature: 1.9 },
          { ...request().parameters, max_tokens: 33 },
        ]) {
          const req = request({ model, prompt, parameters, iteration: 3 });
          const generated = await provider.generate(req);
          const chunks = await collect(provider.stream(req));
          const deltas = chunks.filter((c) => c.type === 'delta').map((c) => c.text);
          const done = chunks.at(-1);
          expect(deltas.length).toBeGreaterThan(1);
          expect(deltas.every((d) => d.trim().split(/\s+/).length <= 4)).toBe(true);
          expect(deltas.join('')).toBe(generated.content);
          expect(done?.type).toBe('done');
          if (done?.type === 'done') {
            expect(done.result.content).toBe(generated.content);
            expect(done.result.finishReason).toBe(generated.finishReason);
            expect(done.result.tokenUsage).toEqual(generated.tokenUsage);
          }
        }
      }
    }
  });
});

describe('MockProvider simulated latency and failures', () => {
  it('when latency is configured, then the call takes about that long per 100 tokens', async () => {
    const provider = new MockProvider({ latencyMsPer100Tokens: 40 });
    const result = await provider.generate(
      request({ parameters: { ...request().parameters, max_tokens: 100 } }),
    );
    expect(result.tokenUsage.completion).toBeLessThanOrEqual(100);
    // mock-balanced runs at the configured speed: 40 ms per 100 tokens.
    expect(result.latencyMs).toBeGreaterThanOrEqual(
      Math.floor((40 * result.tokenUsage.completion) / 100) - 2,
    );
    expect(result.latencyMs).toBeLessThan(1000);
  });

  it('when the signal aborts during a slow generation, then it stops promptly with "aborted"', async () => {
    const provider = new MockProvider({ latencyMsPer100Tokens: 2000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const error = await rejection(provider.generate(request({ signal: controller.signal })));
    expect(error.message).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('when the signal aborts during a slow stream, then the stream stops with "aborted"', async () => {
    const provider = new MockProvider({ latencyMsPer100Tokens: 2000 });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const chunk of provider.stream(request({ signal: controller.signal }))) {
        if (chunk.type === 'delta') seen.push(chunk.text);
      }
    })();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(run);
    expect(error.message).toBe('aborted');
    expect(seen.length).toBeLessThan(20);
  });

  it('when the signal is already aborted, then nothing is generated', async () => {
    const error = await rejection(
      new MockProvider().generate(request({ signal: AbortSignal.abort() })),
    );
    expect(error.message).toBe('aborted');
  });

  it('when the failure rate is 1, then every call fails with a retryable 503', async () => {
    const provider = new MockProvider({ failureRate: 1 });
    for (let i = 1; i <= 10; i++) {
      const error = await rejection(provider.generate(request({ iteration: i })));
      expect(error.status).toBe(503);
      expect(error.retryable).toBe(true);
      expect(error.message).toBe('simulated provider failure');
    }
    await rejection(collect(provider.stream(request())));
  });

  it('when the failure rate is 0.3, then about that share fails, the same calls on every run', async () => {
    const outcomes = async (): Promise<boolean[]> => {
      const provider = new MockProvider({ failureRate: 0.3 });
      const results: boolean[] = [];
      for (let i = 0; i < 200; i++) {
        results.push(
          await provider.generate(request({ iteration: (i % 5) + 1 })).then(
            () => true,
            () => false,
          ),
        );
      }
      return results;
    };
    const first = await outcomes();
    const failures = first.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(35);
    expect(failures).toBeLessThan(85);
    expect(await outcomes()).toEqual(first);
  });
});
