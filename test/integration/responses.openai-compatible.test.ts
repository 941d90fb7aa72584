import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import {
  OPENAI_CHAT,
  openAiCompletion,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';
import type { FakeServer } from '../helpers/fake-providers/fake-server.js';
import { listen, postForEvents } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * The promise: pointing OPENAI_BASE_URL at any OpenAI-compatible server (vLLM,
 * llama.cpp, LM Studio…) makes the same API calls go there. The server here is a loopback
 * process speaking the Chat Completions protocol.
 */
describe.each(testDatabaseKinds())(
  'generation through an OpenAI-compatible server on $name',
  (kind) => {
    let fake: FakeServer;
    let ctx: TestContext;
    let user: TestUser;

    beforeAll(async () => {
      fake = await startFakeOpenAi();
      ctx = await createTestContext(kind, {
        OPENAI_BASE_URL: `${fake.url}/v1`,
        LLM_MAX_RETRIES: '1',
      });
      user = await createUser(ctx);
    });
    beforeEach(() => fake.reset());
    afterAll(async () => {
      await ctx?.close();
      await fake?.close();
    });

    it('when an experiment names an OpenAI model, then the request goes to that server with the experiment parameters, and usage prices the response', async () => {
      fake.setDefault(
        OPENAI_CHAT,
        openAiCompletion({
          content: 'Gradient descent nudges weights downhill.',
          usage: { prompt_tokens: 1000, completion_tokens: 500 },
        }),
      );
      const experiment = await createExperiment(ctx, user, {
        model: 'gpt-4o-mini',
        prompt: 'Explain gradient descent',
        parameters: { temperature: 0.3, top_p: 0.9, max_tokens: 256, frequency_penalty: 0.5 },
      });

      const res = await request(ctx.app)
        .post('/api/responses/generate')
        .set(user.headers)
        .send({ experiment_id: experiment.id, count: 2 })
        .expect(200);

      const sent = fake.requestsTo(OPENAI_CHAT);
      expect(sent).toHaveLength(2);
      expect(sent[0]!.body).toMatchObject({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Explain gradient descent' }],
        temperature: 0.3,
        top_p: 0.9,
        max_tokens: 256,
        frequency_penalty: 0.5,
      });
      const [first] = res.body.data.responses;
      expect(first).toMatchObject({
        content: 'Gradient descent nudges weights downhill.',
        provider: 'openai',
        token_count: 1500,
        finish_reason: 'stop',
        status: 'completed',
      });
      // gpt-4o-mini: $0.00015 / 1K input + $0.0006 / 1K output.
      expect(first.cost).toBeCloseTo(0.00015 + 0.0003, 6);
    });

    it('when the server keeps failing, then the response is stored as failed and the error names provider, status and retries', async () => {
      fake.setDefault(OPENAI_CHAT, (c) => {
        c.res.writeHead(500, { 'content-type': 'application/json' });
        c.res.end(JSON.stringify({ error: { message: 'model overloaded', type: 'server_error' } }));
      });
      const experiment = await createExperiment(ctx, user, { model: 'openai:my-local-llama' });

      const res = await request(ctx.app)
        .post('/api/responses/generate')
        .set(user.headers)
        .send({ experiment_id: experiment.id })
        .expect(502);

      expect(res.body.error).toMatchObject({
        code: 'LLM_SERVICE_ERROR',
        details: { provider: 'openai', status: 500, retries: 1 },
      });
      expect(fake.requestsTo(OPENAI_CHAT)).toHaveLength(2);
      expect(fake.requestsTo(OPENAI_CHAT)[0]!.body.model).toBe('my-local-llama');
      const row = await ctx.db.models.Response.findOne({ where: { experiment_id: experiment.id } });
      expect(row!.get('status')).toBe('failed');
    });

    it('when streaming is requested, then the server streams and deltas reach the client', async () => {
      const server = await listen(ctx.app);
      try {
        const experiment = await createExperiment(ctx, user, { model: 'gpt-4o' });
        const { events } = await postForEvents(
          `${server.url}/api/responses/generate`,
          { experiment_id: experiment.id },
          user.headers,
        );
        expect(fake.requestsTo(OPENAI_CHAT)[0]!.body.stream).toBe(true);
        const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.text);
        const response = events.find((e) => e.event === 'response')!.data.response;
        expect(deltas.length).toBeGreaterThan(1);
        expect(deltas.join('')).toBe(response.content);
      } finally {
        await server.close();
      }
    });

    it('when models are listed, then the OpenAI-compatible server is connected and its models are shown', async () => {
      const res = await request(ctx.app).get('/api/models').set(user.headers).expect(200);
      const openai = res.body.data.providers.find((p: any) => p.id === 'openai');
      expect(openai.status).toBe('connected');
      expect(openai.models.length).toBeGreaterThan(0);
      const test = await request(ctx.app)
        .get('/api/models/test-connection?provider=openai')
        .set(user.headers)
        .expect(200);
      expect(test.body.data).toMatchObject({ provider: 'openai', status: 'connected' });
    });
  },
);
