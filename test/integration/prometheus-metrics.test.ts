import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { startFakeOpenAi } from '../helpers/fake-providers/openai-fake.js';
import type { FakeServer } from '../helpers/fake-providers/fake-server.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
const redisUrl = process.env.TEST_REDIS_URL;

/** One sample's value from the Prometheus text format (0 when the series is absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

async function scrape(ctx: TestContext): Promise<string> {
  const res = await request(ctx.app)
    .get('/metrics')
    .set('Authorization', `Bearer ${METRICS_TOKEN}`);
  expect(res.status).toBe(200);
  return res.text;
}

describe.each(testDatabaseKinds())('Prometheus metrics on $name', (kind) => {
  let ctx: TestContext;
  let fake: FakeServer;
  let user: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    ctx = await createTestContext(
      kind,
      {
        METRICS_TOKEN,
        OPENAI_API_KEY: 'sk-test-not-a-real-key',
        OPENAI_BASE_URL: `${fake.url}/v1`,
        LLM_MAX_RETRIES: '0',
      },
      { workers: true },
    );
    user = await createUser(ctx);
    admin = await createUser(ctx, { role: 'admin' });
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('when /metrics is asked with the token, an admin token, a user token, a wrong token or nothing, then 200, 200, 403, 401 and 401', async () => {
    const withToken = await request(ctx.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`);
    const asAdmin = await request(ctx.app).get('/metrics').set(admin.headers);
    const asUser = await request(ctx.app).get('/metrics').set(user.headers);
    const wrong = await request(ctx.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}x`);
    const anonymous = await request(ctx.app).get('/metrics');

    expect(withToken.status).toBe(200);
    expect(withToken.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(asAdmin.status).toBe(200);
    expect(asUser.status).toBe(403);
    expect(asUser.body.error.code).toBe('FORBIDDEN');
    expect(wrong.status).toBe(401);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
    // Process metrics come with it.
    expect(sample(withToken.text, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(withToken.text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(sample(withToken.text, 'nodejs_heap_size_total_bytes')).toBeGreaterThan(0);
  });

  it('when requests succeed and fail, then durations are labelled by route pattern and status, never by raw ids, and errors are counted by code', async () => {
    const experiment = await createExperiment(ctx, user);
    const before = await scrape(ctx);
    const route = { method: 'GET', route: '/api/experiments/:id' };

    await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers).expect(200);
    await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers).expect(200);
    await request(ctx.app).get('/api/experiments/987654').set(user.headers).expect(404);
    await request(ctx.app).get('/api/experiments/abc').set(user.headers).expect(400);
    await request(ctx.app).get('/api/no-such-route/42').expect(404);
    const after = await scrape(ctx);

    const count = (text: string, labels: Record<string, string>) =>
      sample(text, 'http_request_duration_seconds_count', labels);
    expect(
      count(after, { ...route, status: '200' }) - count(before, { ...route, status: '200' }),
    ).toBe(2);
    expect(
      count(after, { ...route, status: '404' }) - count(before, { ...route, status: '404' }),
    ).toBe(1);
    expect(
      count(after, { ...route, status: '400' }) - count(before, { ...route, status: '400' }),
    ).toBe(1);
    expect(count(after, { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThan(0);
    expect(after).not.toMatch(/route="[^"]*\d[^"]*"/);
    const errors = (text: string, code: string) => sample(text, 'http_errors_total', { code });
    expect(errors(after, 'NOT_FOUND') - errors(before, 'NOT_FOUND')).toBe(2);
    expect(errors(after, 'VALIDATION_ERROR') - errors(before, 'VALIDATION_ERROR')).toBe(1);
  });

  it('when responses are generated by the mock and an OpenAI-compatible server, then tokens and cost are counted by provider and model', async () => {
    const mockExperiment = await createExperiment(ctx, user, { model: 'mock-balanced' });
    const openaiExperiment = await createExperiment(ctx, user, { model: 'openai:gpt-4o-mini' });
    const before = await scrape(ctx);

    const mock = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: mockExperiment.id, count: 2, cache: false })
      .expect(200);
    const openai = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: openaiExperiment.id, count: 1 })
      .expect(200);
    const after = await scrape(ctx);

    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(mock.body.data.responses).toHaveLength(2);
    const rows = (await ctx.db.models.Response.findAll({
      where: { experiment_id: mockExperiment.id },
      raw: true,
    })) as unknown as Array<Record<string, unknown>>;
    const sum = (key: string) => rows.reduce((s, r) => s + Number(r[key] ?? 0), 0);
    expect(sum('prompt_tokens')).toBeGreaterThan(0);
    const mockLabels = { provider: 'mock', model: 'mock-balanced' };
    expect(delta('llm_tokens_total', { ...mockLabels, kind: 'prompt' })).toBe(sum('prompt_tokens'));
    expect(delta('llm_tokens_total', { ...mockLabels, kind: 'completion' })).toBe(
      sum('completion_tokens'),
    );
    expect(delta('llm_requests_total', { ...mockLabels, outcome: 'success' })).toBe(2);
    expect(delta('llm_cost_usd_total', mockLabels)).toBeCloseTo(sum('cost'), 6);
    const openaiLabels = { provider: 'openai', model: 'gpt-4o-mini' };
    expect(openai.body.data.responses).toHaveLength(1);
    expect(delta('llm_tokens_total', { ...openaiLabels, kind: 'prompt' })).toBe(11);
    expect(delta('llm_tokens_total', { ...openaiLabels, kind: 'completion' })).toBe(7);
    expect(delta('llm_cost_usd_total', openaiLabels)).toBeGreaterThan(0);
  });

  it('when a batch runs, then its cell jobs are timed by queue and the queue depth is reported', async () => {
    const before = await scrape(ctx);
    const batch = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.2, 0.8] } },
      iterations_per_combination: 2,
    });
    await waitForBatch(ctx, user, batch.id);
    const after = await scrape(ctx);

    const runs = (text: string) =>
      sample(text, 'job_duration_seconds_count', { queue: 'generate-cell', outcome: 'completed' });
    expect(runs(after) - runs(before)).toBe(4);
    expect(after).toMatch(/^job_queue_depth\{queue="generate-cell",state="waiting"\} 0$/m);
    expect(after).toMatch(/^job_queue_depth\{queue="generate-cell",state="active"\} 0$/m);
  });
});

describe.skipIf(!redisUrl)('Prometheus queue depth with BullMQ', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(testDatabaseKinds()[0]!, {
      METRICS_TOKEN,
      REDIS_URL: redisUrl!,
      QUEUE_PREFIX: `lqa_t_${randomBytes(4).toString('hex')}`,
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when cells wait in Redis with no worker running, then job_queue_depth reports them as waiting', async () => {
    const user = await createUser(ctx);
    await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.2, 0.5, 0.8] } },
      iterations_per_combination: 1,
    });

    const text = await scrape(ctx);

    expect(sample(text, 'job_queue_depth', { queue: 'generate-cell', state: 'waiting' })).toBe(3);
  });
});
