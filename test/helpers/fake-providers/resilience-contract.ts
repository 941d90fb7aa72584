/**
 * The failure scenarios every real adapter must survive behind `withResilience`, run against
 * that adapter's own fake server: 429 with Retry-After, 500 then success, 500 forever, a hang
 * past the timeout, malformed bodies, a caller abort, the concurrency limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  withResilience,
  type ResilienceOptions,
  type RetryInfo,
} from '../../../src/llm/resilience.js';
import {
  ProviderError,
  type GenerateRequest,
  type LlmProvider,
  type StreamChunk,
} from '../../../src/llm/types.js';
import { byStreamFlag, delayed, hang, type Behaviour, type FakeServer } from './fake-server.js';

export interface ProtocolKit {
  /** Adapter id, as it appears in `ProviderError.provider`. */
  name: string;
  start(): Promise<FakeServer>;
  /** A configured adapter pointed at the fake server. */
  create(serverUrl: string): LlmProvider;
  /** The generation route, e.g. `POST /v1/chat/completions`. */
  chatRoute: string;
  success(content: string): Behaviour;
  successStream(deltas: string[]): Behaviour;
  error(status: number, headers?: Record<string, string>): Behaviour;
  /** A 200 whose body is not the protocol (truncated JSON, missing fields). */
  malformed: Behaviour;
  malformedStream: Behaviour;
}

export function baseRequest(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    prompt: 'Explain photosynthesis to a child.',
    model: 'test-model',
    parameters: {
      temperature: 0.7,
      top_p: 1,
      max_tokens: 64,
      frequency_penalty: 0,
      presence_penalty: 0,
    },
    ...overrides,
  };
}

export async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

export function textOf(chunks: StreamChunk[]): string {
  return chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');
}

/** Awaits a rejection and returns it (typed loosely for assertions). */
export async function failureOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function describeResilienceContract(kit: ProtocolKit): void {
  describe(`${kit.name} adapter behind withResilience`, () => {
    let server: FakeServer;

    beforeAll(async () => {
      server = await kit.start();
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(async () => {
      // An aborted request from the previous test may not have closed its socket yet.
      await server.idle();
      server.reset();
    });

    /** Retries wait through an injected sleep that records the delay and returns at once. */
    function wrap(overrides: Partial<ResilienceOptions> = {}) {
      const sleeps: number[] = [];
      const retries: RetryInfo[] = [];
      const provider = withResilience(kit.create(server.url), {
        timeoutMs: 2_000,
        maxRetries: 2,
        concurrency: 4,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        onRetry: (info) => retries.push(info),
        ...overrides,
      });
      return { provider, sleeps, retries };
    }

    it('when the server answers 429 with Retry-After: 1, then the wrapper waits 1000 ms and the retry succeeds', async () => {
      server.enqueue(kit.chatRoute, kit.error(429, { 'retry-after': '1' }));
      server.enqueue(kit.chatRoute, kit.success('after the rate limit'));
      const { provider, sleeps, retries } = wrap();

      const result = await provider.generate(baseRequest());

      expect(result.content).toBe('after the rate limit');
      expect(sleeps).toEqual([1000]);
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 1000 });
      expect(retries[0]?.error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000 });
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(2);
    });

    it('when the server answers 500 once, then the call is retried with a jittered backoff and succeeds', async () => {
      server.enqueue(kit.chatRoute, kit.error(500), kit.success('second time lucky'));
      const { provider, sleeps } = wrap({ baseDelayMs: 100 });

      const result = await provider.generate(baseRequest());

      expect(result.content).toBe('second time lucky');
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThanOrEqual(0);
      expect(sleeps[0]).toBeLessThan(100);
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(2);
    });

    it('when the server answers 500 on every attempt, then a ProviderError with status 500 and retries = maxRetries is thrown', async () => {
      server.setDefault(kit.chatRoute, kit.error(500));
      const { provider } = wrap({ maxRetries: 3 });

      const error = await failureOf(provider.generate(baseRequest()));

      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ provider: kit.name, status: 500, retryable: true, retries: 3 });
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(4);
    });

    it('when the server hangs past the timeout, then a retryable timeout ProviderError is thrown after each attempt timed out', async () => {
      server.setDefault(kit.chatRoute, hang());
      const { provider } = wrap({ timeoutMs: 250, maxRetries: 1 });

      const started = Date.now();
      const error = await failureOf(provider.generate(baseRequest()));

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.message).toMatch(/timeout/);
      expect(error).toMatchObject({
        provider: kit.name,
        status: undefined,
        retryable: true,
        retries: 1,
      });
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('when a stream hangs past the timeout, then a retryable timeout ProviderError is thrown', async () => {
      server.setDefault(kit.chatRoute, hang());
      const { provider } = wrap({ timeoutMs: 250, maxRetries: 0 });

      const error = await failureOf(collect(provider.stream(baseRequest())));

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.message).toMatch(/timeout/);
      expect(error).toMatchObject({ retryable: true, retries: 0 });
    });

    it('when the server answers a malformed body, then a non-retryable ProviderError is thrown and nothing is retried', async () => {
      server.enqueue(kit.chatRoute, kit.malformed);
      const { provider, retries } = wrap();

      const error = await failureOf(provider.generate(baseRequest()));

      expect(error).toBeInstanceOf(ProviderError);
      expect(error.message).toMatch(/malformed/);
      expect(error).toMatchObject({ provider: kit.name, retryable: false, retries: 0 });
      expect(retries).toHaveLength(0);
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(1);
    });

    it('when a streamed answer is malformed, then a non-retryable ProviderError is thrown', async () => {
      server.enqueue(kit.chatRoute, kit.malformedStream);
      const { provider } = wrap();

      const error = await failureOf(collect(provider.stream(baseRequest())));

      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable: false });
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(1);
    });

    it('when a stream request fails with 503 before any chunk, then it is retried and the text arrives once', async () => {
      server.enqueue(kit.chatRoute, kit.error(503), kit.successStream(['Second', ' try.']));
      const { provider, sleeps } = wrap();

      const chunks = await collect(provider.stream(baseRequest()));

      expect(textOf(chunks)).toBe('Second try.');
      const done = chunks.at(-1);
      expect(done?.type === 'done' && done.result.content).toBe('Second try.');
      expect(sleeps).toHaveLength(1);
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(2);
    });

    it('when the caller aborts a hanging call, then it rejects with the abort reason and is not retried', async () => {
      server.setDefault(kit.chatRoute, hang());
      const { provider, retries } = wrap({ timeoutMs: 5_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);

      const error = await failureOf(provider.generate(baseRequest({ signal: controller.signal })));

      expect(error).not.toBeInstanceOf(ProviderError);
      expect(error.name).toBe('AbortError');
      expect(retries).toHaveLength(0);
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(1);
    });

    it('when eight calls run at once with concurrency 2, then the server never has more than 2 in flight', async () => {
      const answer = byStreamFlag(kit.success('slow and steady'), kit.successStream(['slow']));
      server.setDefault(kit.chatRoute, delayed(60, answer));
      const { provider } = wrap({ concurrency: 2 });

      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => provider.generate(baseRequest())),
        ...Array.from({ length: 3 }, () => collect(provider.stream(baseRequest()))),
      ]);

      expect(results).toHaveLength(8);
      expect(server.requestsTo(kit.chatRoute)).toHaveLength(8);
      expect(server.maxInFlight).toBe(2);
    });
  });
}
