import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaProvider } from '../../../src/llm/providers/ollama.js';
import { OpenAiProvider } from '../../../src/llm/providers/openai.js';
import { withResilience, type ResilienceOptions } from '../../../src/llm/resilience.js';
import { ProviderError } from '../../../src/llm/types.js';
import {
  delayed,
  hang,
  type Behaviour,
  type FakeServer,
} from '../../helpers/fake-providers/fake-server.js';
import {
  OLLAMA_CHAT,
  OLLAMA_TAGS,
  ollamaChat,
  ollamaError,
  ollamaStream,
  startFakeOllama,
} from '../../helpers/fake-providers/ollama-fake.js';
import {
  OPENAI_CHAT,
  openAiCompletion,
  openAiError,
  startFakeOpenAi,
} from '../../helpers/fake-providers/openai-fake.js';
import {
  baseRequest,
  collect,
  failureOf,
} from '../../helpers/fake-providers/resilience-contract.js';

/** Sends one NDJSON delta, then drops the connection mid-stream. */
const cutAfterFirstLine: Behaviour = ({ res }) => {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.write('{"model":"m","message":{"content":"Partial"},"done":false}\n');
  setTimeout(() => res.destroy(), 20);
};

describe('withResilience', () => {
  let ollama: FakeServer;
  let openai: FakeServer;

  beforeAll(async () => {
    [ollama, openai] = await Promise.all([startFakeOllama(), startFakeOpenAi()]);
  });
  afterAll(async () => {
    await Promise.all([ollama.close(), openai.close()]);
  });
  beforeEach(async () => {
    await ollama.idle();
    ollama.reset();
    openai.reset();
  });

  function wrapOllama(options: Partial<ResilienceOptions> = {}) {
    const sleeps: number[] = [];
    const provider = withResilience(new OllamaProvider({ host: ollama.url }), {
      timeoutMs: 2_000,
      maxRetries: 2,
      concurrency: 4,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    });
    return { provider, sleeps };
  }

  it('when a 429 says Retry-After: 1 and the real timer is used, then the retry comes about a second later', async () => {
    openai.enqueue(
      OPENAI_CHAT,
      openAiError(429, 'slow down', { 'retry-after': '1' }),
      openAiCompletion(),
    );
    const provider = withResilience(
      new OpenAiProvider({ apiKey: 'k', baseUrl: `${openai.url}/v1` }),
      {
        timeoutMs: 5_000,
        maxRetries: 1,
        concurrency: 1,
      },
    );

    const started = Date.now();
    const result = await provider.generate(baseRequest());
    const waited = Date.now() - started;

    expect(result.content).toBe('Hello from the fake OpenAI.');
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(5_000);
  });

  it('when OpenAI sends retry-after-ms, then that finer value is the wait', async () => {
    openai.enqueue(
      OPENAI_CHAT,
      openAiError(429, 'slow down', { 'retry-after-ms': '250', 'retry-after': '1' }),
      openAiCompletion(),
    );
    const sleeps: number[] = [];
    const provider = withResilience(
      new OpenAiProvider({ apiKey: 'k', baseUrl: `${openai.url}/v1` }),
      {
        timeoutMs: 2_000,
        maxRetries: 1,
        concurrency: 1,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    );

    await provider.generate(baseRequest());

    expect(sleeps).toEqual([250]);
  });

  it('when failures repeat, then the backoff ceiling doubles per retry and stops at maxDelayMs (full jitter below it)', async () => {
    ollama.setDefault(OLLAMA_CHAT, ollamaError(503, 'busy'));
    const { provider, sleeps } = wrapOllama({
      maxRetries: 4,
      baseDelayMs: 100,
      maxDelayMs: 500,
      random: () => 0.999,
    });

    const error = await failureOf(provider.generate(baseRequest()));

    expect(sleeps).toEqual([99, 199, 399, 499]);
    expect(error).toMatchObject({ status: 503, retries: 4 });
  });

  it('when jitter draws zero, then retries go out at once', async () => {
    ollama.enqueue(OLLAMA_CHAT, ollamaError(500), ollamaChat());
    const { provider, sleeps } = wrapOllama({ random: () => 0 });

    await provider.generate(baseRequest());

    expect(sleeps).toEqual([0]);
  });

  it('when Retry-After asks for longer than maxDelayMs, then the wait is capped', async () => {
    ollama.enqueue(
      OLLAMA_CHAT,
      ollamaError(429, 'rate limited', { 'retry-after': '120' }),
      ollamaChat(),
    );
    const { provider, sleeps } = wrapOllama({ maxDelayMs: 2_000 });

    await provider.generate(baseRequest());

    expect(sleeps).toEqual([2_000]);
  });

  it('when the request is rejected with 400, then it is not retried and retries is 0', async () => {
    ollama.setDefault(OLLAMA_CHAT, ollamaError(400, 'invalid options'));
    const { provider, sleeps } = wrapOllama();

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ status: 400, retryable: false, retries: 0 });
    expect(sleeps).toEqual([]);
    expect(ollama.requestsTo(OLLAMA_CHAT)).toHaveLength(1);
  });

  it('when a stream breaks after its first chunk, then it is not retried and the consumer keeps what arrived', async () => {
    ollama.enqueue(OLLAMA_CHAT, cutAfterFirstLine);
    const { provider } = wrapOllama();
    const received: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of provider.stream(baseRequest())) {
          if (chunk.type === 'delta') received.push(chunk.text);
        }
      })(),
    );

    expect(received).toEqual(['Partial']);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, retries: 0 });
    expect(ollama.requestsTo(OLLAMA_CHAT)).toHaveLength(1);
  });

  it('when the caller aborts during the backoff, then the wait ends at once and nothing is retried', async () => {
    ollama.enqueue(OLLAMA_CHAT, ollamaError(500), ollamaChat());
    const provider = withResilience(new OllamaProvider({ host: ollama.url }), {
      timeoutMs: 2_000,
      maxRetries: 3,
      concurrency: 1,
      baseDelayMs: 10_000,
      random: () => 0.9,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);

    const started = Date.now();
    const error = await failureOf(provider.generate(baseRequest({ signal: controller.signal })));

    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(ollama.requestsTo(OLLAMA_CHAT)).toHaveLength(1);
  });

  it('when the caller signal is already aborted, then no request is made', async () => {
    const { provider } = wrapOllama();

    const error = await failureOf(provider.generate(baseRequest({ signal: AbortSignal.abort() })));

    expect(error.name).toBe('AbortError');
    expect(ollama.requests).toHaveLength(0);
  });

  it('when a queued call is aborted, then it leaves the queue without taking a slot', async () => {
    ollama.setDefault(OLLAMA_CHAT, delayed(200, ollamaChat()));
    const { provider } = wrapOllama({ concurrency: 1 });
    const controller = new AbortController();

    const first = provider.generate(baseRequest());
    const queued = failureOf(provider.generate(baseRequest({ signal: controller.signal })));
    const third = provider.generate(baseRequest());
    setTimeout(() => controller.abort(), 50);

    expect((await queued).name).toBe('AbortError');
    await Promise.all([first, third]);
    expect(ollama.requestsTo(OLLAMA_CHAT)).toHaveLength(2);
    expect(ollama.maxInFlight).toBe(1);
  });

  it('when a consumer stops reading a stream early, then its slot is released for the next call', async () => {
    ollama.enqueue(OLLAMA_CHAT, ollamaStream({ deltas: ['a', 'b', 'c', 'd'], gapMs: 200 }));
    const { provider } = wrapOllama({ concurrency: 1 });

    for await (const chunk of provider.stream(baseRequest())) {
      if (chunk.type === 'delta') break;
    }
    const next = await provider.generate(baseRequest());

    expect(next.content).toBe('Hello from the fake Ollama.');
  });

  it('when listing models hangs, then the timeout applies without retries', async () => {
    ollama.setDefault(OLLAMA_TAGS, hang());
    const { provider } = wrapOllama({ timeoutMs: 200 });

    const error = await failureOf(provider.listModels());

    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toMatch(/timeout/);
    expect(ollama.requestsTo(OLLAMA_TAGS)).toHaveLength(1);
  });

  it('when the connection test hangs, then it reports a timeout instead of throwing', async () => {
    ollama.setDefault(OLLAMA_TAGS, hang());
    const { provider } = wrapOllama({ timeoutMs: 200 });

    const outcome = await provider.testConnection();

    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/200 ms timeout/);
  });

  it('when wrapped, then id, name and configured are the adapter’s', () => {
    const wrapped = withResilience(new OllamaProvider(), {
      timeoutMs: 1,
      maxRetries: 0,
      concurrency: 1,
    });

    expect(wrapped).toMatchObject({ id: 'ollama', name: 'Ollama', configured: false });
  });

  it('when streaming succeeds, then the chunks pass through unchanged', async () => {
    const { provider } = wrapOllama();

    const chunks = await collect(provider.stream(baseRequest()));

    expect(chunks.map((c) => c.type)).toEqual(['delta', 'delta', 'delta', 'done']);
  });
});
