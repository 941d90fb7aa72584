import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaProvider } from '../../../src/llm/providers/ollama.js';
import { ProviderError } from '../../../src/llm/types.js';
import { json, raw, type FakeServer } from '../../helpers/fake-providers/fake-server.js';
import {
  OLLAMA_CHAT,
  OLLAMA_TAGS,
  ollamaChat,
  ollamaError,
  ollamaStream,
  startFakeOllama,
} from '../../helpers/fake-providers/ollama-fake.js';
import {
  baseRequest,
  collect,
  describeResilienceContract,
  failureOf,
  textOf,
} from '../../helpers/fake-providers/resilience-contract.js';

describe('OllamaProvider against a fake Ollama server', () => {
  let server: FakeServer;
  let provider: OllamaProvider;

  beforeAll(async () => {
    server = await startFakeOllama();
    provider = new OllamaProvider({ host: server.url });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('when generating, then parameters go into options (max_tokens as num_predict) and counts become usage', async () => {
    const result = await provider.generate(
      baseRequest({
        model: 'llama3.1:8b',
        parameters: {
          temperature: 0.3,
          top_p: 0.8,
          max_tokens: 128,
          frequency_penalty: 0.1,
          presence_penalty: 0.2,
          stop: ['###'],
          seed: 3,
        },
      }),
    );

    expect(server.requestsTo(OLLAMA_CHAT)[0]?.body).toEqual({
      model: 'llama3.1:8b',
      messages: [{ role: 'user', content: 'Explain photosynthesis to a child.' }],
      stream: false,
      options: {
        temperature: 0.3,
        top_p: 0.8,
        num_predict: 128,
        frequency_penalty: 0.1,
        presence_penalty: 0.2,
        stop: ['###'],
        seed: 3,
      },
    });
    expect(result).toMatchObject({
      content: 'Hello from the fake Ollama.',
      tokenUsage: { prompt: 14, completion: 6, total: 20, source: 'provider' },
      finishReason: 'stop',
      model: 'llama3.1:8b',
      metadata: {
        provider: 'ollama',
        dropped_parameters: [],
        total_duration_ms: 1234,
        load_duration_ms: 56,
      },
    });
  });

  it('when done_reason is length, then the finish reason is length', async () => {
    server.enqueue(OLLAMA_CHAT, ollamaChat({ doneReason: 'length' }));

    expect((await provider.generate(baseRequest())).finishReason).toBe('length');
  });

  it('when streaming, then NDJSON lines become deltas and the done line gives usage and finish reason', async () => {
    server.enqueue(
      OLLAMA_CHAT,
      ollamaStream({
        deltas: ['Sun', 'light ', 'feeds.'],
        promptEvalCount: 12,
        evalCount: 4,
        doneReason: 'length',
      }),
    );

    const chunks = await collect(provider.stream(baseRequest({ model: 'qwen2.5:0.5b' })));

    expect(server.requestsTo(OLLAMA_CHAT)[0]?.body).toMatchObject({ stream: true });
    expect(textOf(chunks)).toBe('Sunlight feeds.');
    const done = chunks.at(-1);
    if (done?.type !== 'done') throw new Error('no done chunk');
    expect(done.result).toMatchObject({
      content: 'Sunlight feeds.',
      tokenUsage: { prompt: 12, completion: 4, total: 16, source: 'provider' },
      finishReason: 'length',
      model: 'qwen2.5:0.5b',
    });
  });

  it('when a JSON line is split across network writes, then it is still parsed whole', async () => {
    const done = JSON.stringify({
      model: 'm',
      message: { content: '' },
      done: true,
      done_reason: 'stop',
    });
    server.enqueue(
      OLLAMA_CHAT,
      ollamaStream({
        rawLines: [
          '{"model":"m","message":{"content":"Hal',
          'f and half"},"done":false}\n',
          `${done}\n`,
        ],
        gapMs: 5,
      }),
    );

    const chunks = await collect(provider.stream(baseRequest()));

    expect(textOf(chunks)).toBe('Half and half');
  });

  it('when the stream ends without a done line, then a non-retryable malformed ProviderError is thrown', async () => {
    server.enqueue(
      OLLAMA_CHAT,
      ollamaStream({ rawLines: ['{"message":{"content":"Hi"},"done":false}\n'] }),
    );

    const error = await failureOf(collect(provider.stream(baseRequest())));

    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toMatch(/before a `done` line/);
  });

  it('when the stream reports an error line, then a ProviderError with its message is thrown', async () => {
    server.enqueue(
      OLLAMA_CHAT,
      ollamaStream({ rawLines: ['{"error":"llama runner process has terminated"}\n'] }),
    );

    const error = await failureOf(collect(provider.stream(baseRequest())));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toContain('llama runner process has terminated');
  });

  it('when the model is not pulled, then the 404 becomes a non-retryable ProviderError with Ollama’s message', async () => {
    server.enqueue(OLLAMA_CHAT, ollamaError(404, "model 'nope' not found, try pulling it first"));

    const error = await failureOf(provider.generate(baseRequest({ model: 'nope' })));

    expect(error).toMatchObject({ provider: 'ollama', status: 404, retryable: false });
    expect(error.message).toContain("model 'nope' not found");
  });

  it('when the answer has no message, then a non-retryable malformed ProviderError is thrown', async () => {
    server.enqueue(OLLAMA_CHAT, json(200, { model: 'm', done: true }));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toMatch(/malformed/);
  });

  it('when the host is given without a scheme, then http:// is assumed', async () => {
    const bare = new OllamaProvider({ host: server.url.replace('http://', '') + '/' });

    const result = await bare.generate(baseRequest());

    expect(result.content).toBe('Hello from the fake Ollama.');
  });

  it('when listing models, then tags are matched to the catalogue by base name and keep their exact id', async () => {
    const models = await provider.listModels();

    expect(models).toEqual([
      expect.objectContaining({
        id: 'llama3.1:8b',
        name: 'Llama 3.1 8B (local)',
        context_window: 131072,
      }),
      expect.objectContaining({ id: 'qwen2.5:0.5b', name: 'qwen2.5:0.5b', cost_per_token: null }),
    ]);
    expect(models[0]?.capabilities).toContain('local');
  });

  it('when testing the connection, then /api/tags is called and timed', async () => {
    const outcome = await provider.testConnection();

    expect(outcome).toMatchObject({ ok: true, message: 'listed 2 models' });
    expect(server.requestsTo(OLLAMA_TAGS)).toHaveLength(1);
  });

  it('when Ollama is not running, then testConnection reports it could not be reached', async () => {
    const stopped = await startFakeOllama();
    const url = stopped.url;
    await stopped.close();

    const outcome = await new OllamaProvider({ host: url }).testConnection();

    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/could not be reached/);
  });

  it('when no host is set, then the adapter is not configured and never calls out', async () => {
    const unconfigured = new OllamaProvider();

    expect(unconfigured.configured).toBe(false);
    expect(await unconfigured.testConnection()).toMatchObject({ ok: false });
    const error = await failureOf(unconfigured.generate(baseRequest()));
    expect(error).toMatchObject({ provider: 'ollama', retryable: false });
    expect(error.message).toMatch(/not configured/);
  });
});

describeResilienceContract({
  name: 'ollama',
  start: startFakeOllama,
  create: (url) => new OllamaProvider({ host: url }),
  chatRoute: OLLAMA_CHAT,
  success: (content) => ollamaChat({ content }),
  successStream: (deltas) => ollamaStream({ deltas }),
  error: (status, headers) => ollamaError(status, 'fake failure', headers),
  malformed: raw(200, '<html><body>502 Bad Gateway</body></html>', 'text/html'),
  malformedStream: ollamaStream({ rawLines: ['{"model":"m","message":{"content":"Hi"}\n'] }),
});
