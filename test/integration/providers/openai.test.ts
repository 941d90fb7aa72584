import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiProvider } from '../../../src/llm/providers/openai.js';
import { countTokens } from '../../../src/llm/tokens.js';
import { ProviderError } from '../../../src/llm/types.js';
import { json, raw, streamed, type FakeServer } from '../../helpers/fake-providers/fake-server.js';
import {
  OPENAI_CHAT,
  OPENAI_MODELS,
  openAiCompletion,
  openAiError,
  openAiStream,
  startFakeOpenAi,
} from '../../helpers/fake-providers/openai-fake.js';
import {
  baseRequest,
  collect,
  describeResilienceContract,
  failureOf,
  textOf,
} from '../../helpers/fake-providers/resilience-contract.js';

describe('OpenAiProvider against a fake Chat Completions server', () => {
  let server: FakeServer;
  let provider: OpenAiProvider;

  beforeAll(async () => {
    server = await startFakeOpenAi();
    provider = new OpenAiProvider({ apiKey: 'sk-test', baseUrl: `${server.url}/v1` });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('when generating, then every sampling parameter and the key are sent and the result is normalised', async () => {
    const result = await provider.generate(
      baseRequest({
        model: 'gpt-4o',
        parameters: {
          temperature: 1.3,
          top_p: 0.9,
          max_tokens: 200,
          frequency_penalty: 0.5,
          presence_penalty: -0.2,
          stop: ['\n\n'],
          seed: 42,
        },
      }),
    );

    const [sent] = server.requestsTo(OPENAI_CHAT);
    expect(sent?.headers.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Explain photosynthesis to a child.' }],
      temperature: 1.3,
      top_p: 0.9,
      max_tokens: 200,
      frequency_penalty: 0.5,
      presence_penalty: -0.2,
      stop: ['\n\n'],
      seed: 42,
    });
    expect(result).toMatchObject({
      content: 'Hello from the fake OpenAI.',
      tokenUsage: { prompt: 11, completion: 7, total: 18, source: 'provider' },
      finishReason: 'stop',
      model: 'gpt-4o-2024-08-06',
      metadata: {
        provider: 'openai',
        dropped_parameters: [],
        response_id: 'chatcmpl-fake-1',
        system_fingerprint: 'fp_fake',
      },
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('when no stop list or seed is given, then neither is sent', async () => {
    await provider.generate(baseRequest({ parameters: { ...baseRequest().parameters, stop: [] } }));

    const body = server.requestsTo(OPENAI_CHAT)[0]?.body;
    expect(body).not.toHaveProperty('stop');
    expect(body).not.toHaveProperty('seed');
  });

  it('when the server stops at max_tokens, then the finish reason is length', async () => {
    server.enqueue(
      OPENAI_CHAT,
      openAiCompletion({ content: 'Cut off mid', finishReason: 'length' }),
    );

    const result = await provider.generate(baseRequest());

    expect(result.finishReason).toBe('length');
    expect(result.metadata.raw_finish_reason).toBe('length');
  });

  it('when the server reports no usage, then tokens are counted locally and marked estimated', async () => {
    server.enqueue(OPENAI_CHAT, openAiCompletion({ content: 'Plants eat light.', usage: null }));

    const result = await provider.generate(baseRequest());

    expect(result.tokenUsage).toEqual({
      prompt: countTokens('Explain photosynthesis to a child.'),
      completion: countTokens('Plants eat light.'),
      total: countTokens('Explain photosynthesis to a child.') + countTokens('Plants eat light.'),
      source: 'estimated',
    });
  });

  it('when streaming, then deltas arrive in order and the done chunk carries usage from the usage chunk', async () => {
    server.enqueue(OPENAI_CHAT, openAiStream({ deltas: ['Leaves ', 'catch ', 'sunlight.'] }));

    const chunks = await collect(provider.stream(baseRequest({ model: 'gpt-4o-mini' })));

    const sent = server.requestsTo(OPENAI_CHAT)[0]?.body;
    expect(sent).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(chunks.filter((c) => c.type === 'delta')).toHaveLength(3);
    expect(textOf(chunks)).toBe('Leaves catch sunlight.');
    const done = chunks.at(-1);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.result).toMatchObject({
      content: 'Leaves catch sunlight.',
      tokenUsage: { prompt: 9, completion: 3, total: 12, source: 'provider' },
      finishReason: 'stop',
      model: 'gpt-4o-mini',
      metadata: { provider: 'openai', response_id: 'chatcmpl-fake-s' },
    });
  });

  it('when a compatible server streams without usage and stops at the limit, then usage is estimated and the finish reason is length', async () => {
    server.enqueue(
      OPENAI_CHAT,
      openAiStream({ deltas: ['One ', 'two'], omitUsage: true, finishReason: 'length' }),
    );

    const chunks = await collect(provider.stream(baseRequest()));

    const done = chunks.at(-1);
    if (done?.type !== 'done') throw new Error('no done chunk');
    expect(done.result.finishReason).toBe('length');
    expect(done.result.tokenUsage).toMatchObject({
      completion: countTokens('One two'),
      source: 'estimated',
    });
  });

  it('when the body is HTML from a proxy, then a non-retryable ProviderError says the response is malformed', async () => {
    server.enqueue(OPENAI_CHAT, raw(200, '<html>Bad gateway page</html>', 'text/html'));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai', retryable: false, status: undefined });
    expect(error.message).toMatch(/malformed response/);
  });

  it('when the JSON has no choices, then a non-retryable ProviderError says so', async () => {
    server.enqueue(OPENAI_CHAT, json(200, { id: 'x', object: 'chat.completion', choices: [] }));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toMatch(/no choices/);
  });

  it('when the server rejects the request with 400, then the ProviderError is not retryable and carries the API message', async () => {
    server.enqueue(OPENAI_CHAT, openAiError(400, "Unsupported value: 'temperature'"));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain("Unsupported value: 'temperature'");
  });

  it('when the server sends Retry-After with a 429, then the ProviderError carries it in milliseconds', async () => {
    server.enqueue(OPENAI_CHAT, openAiError(429, 'slow down', { 'retry-after': '2' }));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });
  });

  it('when nothing listens on the port, then a retryable ProviderError without status is thrown', async () => {
    const closed = await startFakeOpenAi();
    const url = closed.url;
    await closed.close();
    const offline = new OpenAiProvider({ apiKey: 'sk-test', baseUrl: `${url}/v1` });

    const error = await failureOf(offline.generate(baseRequest()));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: undefined, retryable: true });
    expect(error.message).toMatch(/could not be reached/);
  });

  it('when a local server needs no key, then no Authorization header is sent and the adapter is configured', async () => {
    const local = new OpenAiProvider({ baseUrl: `${server.url}/v1`, id: 'lmstudio' });

    const result = await local.generate(baseRequest());

    expect(local.configured).toBe(true);
    expect(local.name).toBe('OpenAI-compatible');
    expect(server.requestsTo(OPENAI_CHAT)[0]?.headers.authorization).toBeUndefined();
    expect(result.metadata.provider).toBe('lmstudio');
  });

  it('when the caller aborts mid-stream, then the stream rejects instead of ending as if complete', async () => {
    server.enqueue(OPENAI_CHAT, openAiStream({ deltas: ['a', 'b', 'c'], gapMs: 150 }));
    const controller = new AbortController();
    const types: string[] = [];

    const error = await failureOf(
      (async () => {
        for await (const chunk of provider.stream(baseRequest({ signal: controller.signal }))) {
          types.push(chunk.type);
          controller.abort();
        }
      })(),
    );

    expect(error.name).toBe('AbortError');
    expect(types).not.toContain('done');
  });

  it('when listing models, then ids come back sorted and described from the catalogue', async () => {
    const models = await provider.listModels();

    expect(models.map((m) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'local-llama']);
    expect(models[0]).toMatchObject({ name: 'GPT-4o', context_window: 128000 });
    expect(models[0]?.cost_per_token).toBeGreaterThan(0);
    expect(models[2]).toMatchObject({
      name: 'local-llama',
      context_window: null,
      cost_per_token: null,
    });
  });

  it('when testing the connection, then /models is called and the round trip is timed', async () => {
    const outcome = await provider.testConnection();

    expect(outcome).toMatchObject({ ok: true, message: 'listed 3 models' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requestsTo(OPENAI_MODELS)).toHaveLength(1);
  });

  it('when the server has no /models, then testConnection falls back to a one-token generation', async () => {
    server.enqueue(OPENAI_MODELS, openAiError(404, 'Not found'));

    const outcome = await provider.testConnection();

    expect(outcome.ok).toBe(true);
    expect(server.requestsTo(OPENAI_CHAT)[0]?.body).toMatchObject({
      max_tokens: 1,
      model: 'gpt-4o-mini',
    });
  });

  it('when the key is rejected, then testConnection reports the failure instead of throwing', async () => {
    server.enqueue(OPENAI_MODELS, openAiError(401, 'Incorrect API key provided'));

    const outcome = await provider.testConnection();

    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/401.*Incorrect API key/);
  });

  it('when neither key nor base URL is set, then the adapter is not configured and never calls out', async () => {
    const unconfigured = new OpenAiProvider({});

    expect(unconfigured.configured).toBe(false);
    expect(await unconfigured.testConnection()).toMatchObject({ ok: false });
    const error = await failureOf(unconfigured.generate(baseRequest()));
    expect(error).toMatchObject({ provider: 'openai', retryable: false });
    expect(error.message).toMatch(/not configured/);
  });
});

describeResilienceContract({
  name: 'openai',
  start: startFakeOpenAi,
  create: (url) => new OpenAiProvider({ apiKey: 'sk-test', baseUrl: `${url}/v1` }),
  chatRoute: OPENAI_CHAT,
  success: (content) => openAiCompletion({ content }),
  successStream: (deltas) => openAiStream({ deltas }),
  error: (status, headers) => openAiError(status, 'fake failure', headers),
  malformed: raw(200, '{"id": "chatcmpl-1", "choices": [', 'application/json'),
  malformedStream: streamed('text/event-stream', [
    'data: {"id": "x", "choices": [\n\n',
    'data: [DONE]\n\n',
  ]),
});
