import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../../src/llm/providers/anthropic.js';
import { ProviderError } from '../../../src/llm/types.js';
import { json, raw, streamed, type FakeServer } from '../../helpers/fake-providers/fake-server.js';
import {
  ANTHROPIC_MESSAGES,
  ANTHROPIC_MODELS,
  anthropicError,
  anthropicMessage,
  anthropicStream,
  startFakeAnthropic,
} from '../../helpers/fake-providers/anthropic-fake.js';
import {
  baseRequest,
  collect,
  describeResilienceContract,
  failureOf,
  textOf,
} from '../../helpers/fake-providers/resilience-contract.js';

const SWEEP_PARAMETERS = {
  temperature: 1.5,
  top_p: 0.9,
  max_tokens: 300,
  frequency_penalty: 0.4,
  presence_penalty: 0.2,
  stop: ['END'],
  seed: 7,
};

describe('AnthropicProvider against a fake Messages API server', () => {
  let server: FakeServer;
  let provider: AnthropicProvider;

  beforeAll(async () => {
    server = await startFakeAnthropic();
    provider = new AnthropicProvider({ apiKey: 'sk-ant-test', baseUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('when generating on the current API version, then unsupported parameters are dropped and listed, not sent', async () => {
    const result = await provider.generate(
      baseRequest({ model: 'claude-sonnet-4-5', parameters: SWEEP_PARAMETERS }),
    );

    const [sent] = server.requestsTo(ANTHROPIC_MESSAGES);
    // SDK 1.x authenticates with a bearer token and sends API version 2026-10-21.
    expect(sent?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(sent?.headers['anthropic-version']).toBe('2026-10-21');
    expect(sent?.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'Explain photosynthesis to a child.' }],
      stop_sequences: ['END'],
    });
    expect(result.metadata.dropped_parameters).toEqual([
      'temperature',
      'top_p',
      'frequency_penalty',
      'presence_penalty',
      'seed',
    ]);
    expect(result).toMatchObject({
      content: 'Hello from the fake Claude.',
      tokenUsage: { prompt: 13, completion: 8, total: 21, source: 'provider' },
      finishReason: 'stop',
      model: 'claude-sonnet-4-5',
      metadata: { provider: 'anthropic', response_id: 'msg_fake_1', raw_finish_reason: 'end_turn' },
    });
  });

  it('when penalties are zero, top_p is 1 and no seed is set, then only temperature is reported as dropped', async () => {
    const result = await provider.generate(baseRequest());

    expect(result.metadata.dropped_parameters).toEqual(['temperature']);
    expect(result.metadata).not.toHaveProperty('adjusted_parameters');
  });

  it('when pinned to API version 2023-06-01, then temperature above 1 is clamped and reported, and top_p is sent', async () => {
    const legacy = new AnthropicProvider({
      apiKey: 'sk-ant-test',
      baseUrl: server.url,
      apiVersion: '2023-06-01',
    });

    const result = await legacy.generate(baseRequest({ parameters: SWEEP_PARAMETERS }));

    const [sent] = server.requestsTo(ANTHROPIC_MESSAGES);
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.body).toMatchObject({ temperature: 1, top_p: 0.9, stop_sequences: ['END'] });
    expect(sent?.body).not.toHaveProperty('frequency_penalty');
    expect(sent?.body).not.toHaveProperty('presence_penalty');
    expect(sent?.body).not.toHaveProperty('seed');
    expect(result.metadata.dropped_parameters).toEqual([
      'frequency_penalty',
      'presence_penalty',
      'seed',
    ]);
    expect(result.metadata.adjusted_parameters).toEqual({
      temperature: { requested: 1.5, sent: 1 },
    });
  });

  it('when pinned to 2023-06-01 with top_p 1, then top_p is not sent alongside temperature', async () => {
    const legacy = new AnthropicProvider({
      apiKey: 'k',
      baseUrl: server.url,
      apiVersion: '2023-06-01',
    });

    await legacy.generate(baseRequest());

    const body = server.requestsTo(ANTHROPIC_MESSAGES)[0]?.body;
    expect(body).toMatchObject({ temperature: 0.7 });
    expect(body).not.toHaveProperty('top_p');
  });

  it('when the model stops at max_tokens, then the finish reason is length', async () => {
    server.enqueue(ANTHROPIC_MESSAGES, anthropicMessage({ stopReason: 'max_tokens' }));

    const result = await provider.generate(baseRequest());

    expect(result.finishReason).toBe('length');
  });

  it('when the model hits a stop sequence, then the finish reason is stop', async () => {
    server.enqueue(ANTHROPIC_MESSAGES, anthropicMessage({ stopReason: 'stop_sequence' }));

    expect((await provider.generate(baseRequest())).finishReason).toBe('stop');
  });

  it('when streaming, then text deltas arrive and usage comes from message_start and message_delta', async () => {
    server.enqueue(
      ANTHROPIC_MESSAGES,
      anthropicStream({
        deltas: ['Chlorophyll ', 'is ', 'green.'],
        usage: { input_tokens: 21, output_tokens: 5 },
        stopReason: 'max_tokens',
      }),
    );

    const chunks = await collect(provider.stream(baseRequest({ model: 'claude-fake-1' })));

    expect(server.requestsTo(ANTHROPIC_MESSAGES)[0]?.body).toMatchObject({ stream: true });
    expect(textOf(chunks)).toBe('Chlorophyll is green.');
    const done = chunks.at(-1);
    if (done?.type !== 'done') throw new Error('no done chunk');
    expect(done.result).toMatchObject({
      content: 'Chlorophyll is green.',
      tokenUsage: { prompt: 21, completion: 5, total: 26, source: 'provider' },
      finishReason: 'length',
      model: 'claude-fake-1',
      metadata: {
        provider: 'anthropic',
        dropped_parameters: ['temperature'],
        response_id: 'msg_fake_s',
      },
    });
  });

  it('when the stream carries an overloaded error event, then a retryable ProviderError is thrown', async () => {
    server.enqueue(
      ANTHROPIC_MESSAGES,
      streamed('text/event-stream', [
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ]),
    );

    const error = await failureOf(collect(provider.stream(baseRequest())));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'anthropic', retryable: true });
    expect(error.message).toContain('Overloaded');
  });

  it('when the API answers 529 overloaded, then the ProviderError is retryable with status 529', async () => {
    server.enqueue(ANTHROPIC_MESSAGES, anthropicError(529, 'Overloaded'));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ status: 529, retryable: true });
  });

  it('when the API rejects the request with 400, then the ProviderError is not retryable and carries the API message', async () => {
    server.enqueue(
      ANTHROPIC_MESSAGES,
      anthropicError(400, 'temperature: Extra inputs are not permitted'),
    );

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain('Extra inputs are not permitted');
  });

  it('when the message has no content array, then a non-retryable malformed ProviderError is thrown', async () => {
    server.enqueue(ANTHROPIC_MESSAGES, json(200, { id: 'msg', type: 'message' }));

    const error = await failureOf(provider.generate(baseRequest()));

    expect(error).toMatchObject({ retryable: false });
    expect(error.message).toMatch(/malformed/);
  });

  it('when the caller aborts mid-stream, then the stream rejects instead of ending as if complete', async () => {
    server.enqueue(ANTHROPIC_MESSAGES, anthropicStream({ deltas: ['a', 'b', 'c'], gapMs: 150 }));
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

  it('when listing models, then display names and context windows come from the API and prices from the catalogue', async () => {
    const models = await provider.listModels();

    expect(models.map((m) => m.id)).toEqual(['claude-sonnet-4-5', 'claude-fake-1']);
    expect(models[1]).toMatchObject({
      name: 'Claude Fake',
      context_window: 50_000,
      cost_per_token: null,
    });
    expect(server.requestsTo(ANTHROPIC_MODELS)[0]?.headers.authorization).toBe(
      'Bearer sk-ant-test',
    );
  });

  it('when testing the connection, then the models round trip is timed', async () => {
    const outcome = await provider.testConnection();

    expect(outcome).toMatchObject({ ok: true, message: 'listed 2 models' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('when the key is rejected, then testConnection reports it instead of throwing', async () => {
    server.enqueue(ANTHROPIC_MODELS, anthropicError(401, 'invalid x-api-key'));

    const outcome = await provider.testConnection();

    expect(outcome.ok).toBe(false);
    expect(outcome.message).toMatch(/401/);
  });

  it('when no API key is set, then the adapter is not configured and never calls out', async () => {
    const unconfigured = new AnthropicProvider({ baseUrl: server.url });

    expect(unconfigured.configured).toBe(false);
    expect(await unconfigured.testConnection()).toMatchObject({ ok: false });
    const error = await failureOf(unconfigured.generate(baseRequest()));
    expect(error).toMatchObject({ provider: 'anthropic', retryable: false });
    expect(server.requests).toHaveLength(0);
  });
});

describeResilienceContract({
  name: 'anthropic',
  start: startFakeAnthropic,
  create: (url) => new AnthropicProvider({ apiKey: 'sk-ant-test', baseUrl: url }),
  chatRoute: ANTHROPIC_MESSAGES,
  success: (text) => anthropicMessage({ text }),
  successStream: (deltas) => anthropicStream({ deltas }),
  error: (status, headers) => anthropicError(status, 'fake failure', headers),
  malformed: raw(200, '{"id": "msg_1", "content": [{"type": "te', 'application/json'),
  malformedStream: streamed('text/event-stream', [
    'event: message_start\ndata: {"type": "message_start", "message": {\n\n',
  ]),
});
