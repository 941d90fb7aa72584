import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('POST /api/responses/generate on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when 3 responses are asked for with no configuration, then 3 different, complete, priced responses are stored', async () => {
    const experiment = await createExperiment(ctx, user, {
      prompt: 'Explain how vaccines train the immune system',
    });

    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 3 })
      .expect(200);

    const data = res.body.data;
    expect(res.body.success).toBe(true);
    expect(data).toMatchObject({
      experiment_id: experiment.id,
      total_generated: 3,
      total_errors: 0,
    });
    expect(data.responses).toHaveLength(3);
    const contents = data.responses.map((r: any) => r.content);
    expect(new Set(contents).size).toBe(3);
    for (const r of data.responses) {
      expect(r).toMatchObject({
        status: 'completed',
        model: 'mock-balanced',
        provider: 'mock',
        parameters: {
          temperature: 0.7,
          top_p: 1,
          max_tokens: 1000,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        cached: false,
        error: null,
      });
      expect(r.content.split(/\s+/).length).toBeGreaterThan(40);
      expect(r.content.toLowerCase()).toMatch(/vaccin|immune/);
      expect(r.token_count).toBeGreaterThan(0);
      expect(r.cost).toBeGreaterThan(0);
      expect(typeof r.response_time).toBe('number');
      expect(['stop', 'length']).toContain(r.finish_reason);
    }
    const tokens = data.responses.reduce((s: number, r: any) => s + r.token_count, 0);
    expect(data.batch_summary.total_tokens).toBe(tokens);
    expect(data.batch_summary.total_cost).toBeCloseTo(
      data.responses.reduce((s: number, r: any) => s + r.cost, 0),
      6,
    );

    const stored = await ctx.db.models.Response.findAll({
      where: { experiment_id: experiment.id },
    });
    expect(stored.map((r) => r.get('status'))).toEqual(['completed', 'completed', 'completed']);
    const detail = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}`)
      .set(user.headers)
      .expect(200);
    expect(detail.body.data.experiment).toMatchObject({ status: 'completed', response_count: 3 });
    expect(detail.body.data.experiment.total_cost).toBeCloseTo(data.batch_summary.total_cost, 6);
  });

  it('when generating again with the same settings, then the new responses differ from the earlier ones', async () => {
    const experiment = await createExperiment(ctx, user);
    const first = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 2 });
    const second = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 2 });
    const iterations = [...first.body.data.responses, ...second.body.data.responses].map(
      (r: any) => r.iteration,
    );
    expect(iterations.sort()).toEqual([1, 2, 3, 4]);
    const texts = new Set(
      [...first.body.data.responses, ...second.body.data.responses].map((r: any) => r.content),
    );
    expect(texts.size).toBe(4);
  });

  it('when the request overrides prompt, model and parameters, then they are used and stored per response', async () => {
    const experiment = await createExperiment(ctx, user, { parameters: { temperature: 0.2 } });
    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({
        experiment_id: experiment.id,
        prompt: 'Write a short story about a lighthouse keeper',
        model: 'mock-creative',
        parameters: { max_tokens: 30, top_p: 0.5 },
      })
      .expect(200);
    const [response] = res.body.data.responses;
    expect(response).toMatchObject({
      model: 'mock-creative',
      parameters: { temperature: 0.2, top_p: 0.5, max_tokens: 30 },
      finish_reason: 'length',
    });
    expect(response.token_count).toBeGreaterThan(0);
  });

  it('when cache is requested twice for identical settings, then the second answer is cached and free', async () => {
    const experiment = await createExperiment(ctx, user);
    const body = { experiment_id: experiment.id, count: 2, cache: true };
    const first = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send(body)
      .expect(200);
    const second = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send(body)
      .expect(200);

    expect(first.body.data.responses.every((r: any) => r.cached === false)).toBe(true);
    expect(second.body.data.responses.every((r: any) => r.cached === true && r.cost === 0)).toBe(
      true,
    );
    expect(second.body.data.responses.map((r: any) => r.content)).toEqual(
      first.body.data.responses.map((r: any) => r.content),
    );
    expect(second.body.data.batch_summary.total_cost).toBe(0);
  });

  it.each([
    [{ count: 0 }, 'count'],
    [{ count: 21 }, 'count'],
    [{ parameters: { temperature: 3 } }, 'temperature'],
    [{ experiment_id: 'one' }, 'experiment_id'],
  ])('when the body has %j, then 400 names %s', async (patch, field) => {
    const experiment = await createExperiment(ctx, user);
    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, ...patch })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it("when the experiment is missing or someone else's, then 404", async () => {
    const other = await createUser(ctx);
    const experiment = await createExperiment(ctx, other);
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id })
      .expect(404);
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: 999_999 })
      .expect(404);
    expect(await ctx.db.models.Response.count({ where: { experiment_id: experiment.id } })).toBe(0);
  });

  it('when the provider is unknown, then 400; when it is not configured, then 503 LLM_SERVICE_ERROR with a hint', async () => {
    const experiment = await createExperiment(ctx, user);
    const unknown = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, model: 'x', provider: 'skynet' })
      .expect(400);
    expect(unknown.body.error.details.field).toBe('provider');
    const unconfigured = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, model: 'gpt-4o' })
      .expect(503);
    expect(unconfigured.body.error).toMatchObject({
      code: 'LLM_SERVICE_ERROR',
      details: {
        provider: 'openai',
        reason: 'not_configured',
        hint: expect.stringContaining('OPENAI_API_KEY'),
      },
    });
  });

  it('without credentials, then 401', async () => {
    await request(ctx.app).post('/api/responses/generate').send({ experiment_id: 1 }).expect(401);
  });
});

describe('generation failures (SQLite)', () => {
  let ctx: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    ctx = await createTestContext(testDatabaseKinds()[0]!, {
      MOCK_FAILURE_RATE: '1',
      LLM_MAX_RETRIES: '2',
    });
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when every attempt fails after retries, then 502 LLM_SERVICE_ERROR names provider, status and retries, and the failures are stored', async () => {
    const experiment = await createExperiment(ctx, user);
    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 2 })
      .expect(502);
    expect(res.body.error).toMatchObject({
      code: 'LLM_SERVICE_ERROR',
      details: {
        provider: 'mock',
        status: 503,
        retries: 2,
        failed_response_ids: expect.any(Array),
      },
    });
    const stored = await ctx.db.models.Response.findAll({
      where: { experiment_id: experiment.id },
    });
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.get('status')).toBe('failed');
      expect(String(row.get('error_message'))).toMatch(/simulated/i);
    }
    const detail = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}`)
      .set(user.headers)
      .expect(200);
    expect(detail.body.data.experiment.status).toBe('failed');
  });
});

describe('generation rate limit (SQLite)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(testDatabaseKinds()[0]!, {
      RATE_LIMIT_ENABLED: 'true',
      GENERATION_RATE_LIMIT_MAX: '2',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when a user exceeds the generation limit, then 429 RATE_LIMITED with Retry-After, and other users are unaffected', async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    for (let i = 0; i < 2; i++) {
      await request(ctx.app)
        .post('/api/responses/generate')
        .set(user.headers)
        .send({ experiment_id: experiment.id })
        .expect(200);
    }
    const limited = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id })
      .expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other routes are not counted against the generation budget.
    await request(ctx.app).get('/api/experiments').set(user.headers).expect(200);
    const otherExperiment = await createExperiment(ctx, other);
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(other.headers)
      .send({ experiment_id: otherExperiment.id })
      .expect(200);
  });
});
