import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDatabaseKind } from '../helpers/databases.js';
import { createExperiment, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** A 429 in the spec's envelope with Retry-After and the standard RateLimit headers. */
function expectRateLimited(res: request.Response, limit: number, limiter: string): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    success: false,
    error: { code: 'RATE_LIMITED', details: { limit, limiter, retry_after: expect.any(Number) } },
  });
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(res.body.error.details.retry_after).toBe(Number(res.headers['retry-after']));
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toMatch(/^\d+$/);
}

/**
 * Two API "processes": two apps with their own services (and Redis connections) on one
 * database, sharing a Redis and a QUEUE_PREFIX unique to the test.
 */
async function twoProcesses(
  kind: TestDatabaseKind,
  env: Record<string, string>,
  opened: TestContext[],
): Promise<[TestContext, TestContext, string]> {
  const prefix = `lqa_t_${randomBytes(4).toString('hex')}`;
  const shared = { RATE_LIMIT_ENABLED: 'true', REDIS_URL: redisUrl!, QUEUE_PREFIX: prefix, ...env };
  const first = await createTestContext(kind, shared);
  opened.push(first);
  const second = await createTestContext(kind, {
    ...shared,
    DATABASE_URL: `sqlite:${first.config.database.storage}`,
  });
  opened.push(second);
  return [first, second, prefix];
}

// The counters live in Redis, not in the database: SQLite stands for every database here.
describe.skipIf(!redisUrl)('rate limits shared through Redis', () => {
  const kind = testDatabaseKinds()[0]!;
  const opened: TestContext[] = [];
  const prefixes: string[] = [];
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl!);
  });
  afterEach(async () => {
    // The second process first: the first one's close drops the shared database.
    for (const ctx of opened.splice(0).reverse()) await ctx.close();
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    await redis.quit();
  });
  const start = async (env: Record<string, string>) => {
    const result = await twoProcesses(kind, env, opened);
    prefixes.push(result[2]);
    return result;
  };

  it('when anonymous requests are split across two processes, then together they hit 429 at RATE_LIMIT_MAX', async () => {
    const [a, b, prefix] = await start({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });

    const allowed = [
      await request(a.app).get('/api/docs'),
      await request(b.app).get('/api/docs'),
      await request(a.app).get('/api/docs'),
    ];
    const overOnB = await request(b.app).get('/api/docs');
    const overOnA = await request(a.app).get('/api/docs');

    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(allowed.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expectRateLimited(overOnB, 3, 'general');
    expectRateLimited(overOnA, 3, 'general');
    // The counter lives under the deployment's prefix, one key per limiter and client.
    const keys = await redis.keys(`${prefix}:rl:general:*`);
    expect(keys).toHaveLength(1);
    expect(Number(await redis.get(keys[0]!))).toBe(5);
  });

  it('when a user generates, creates batches and exports through both processes, then each per-route limit is shared and answers 429 with its headers', async () => {
    const [a, b, prefix] = await start({
      GENERATION_RATE_LIMIT_MAX: '2',
      BATCH_RATE_LIMIT_MAX: '2',
      EXPORT_RATE_LIMIT_PER_HOUR: '2',
    });
    const user = await createUser(a);
    const experiment = await createExperiment(a, user);
    const generate = (ctx: TestContext) =>
      request(ctx.app)
        .post('/api/responses/generate')
        .set(user.headers)
        .send({ experiment_id: experiment.id });
    const batch = (ctx: TestContext) =>
      request(ctx.app)
        .post('/api/batch-experiments')
        .set(user.headers)
        .send({ name: 'S', prompt: 'Say hi', parameter_ranges: { top_p: { values: [1] } } });
    const exportCsv = (ctx: TestContext) =>
      request(ctx.app).get(`/api/export/${experiment.id}?format=csv`).set(user.headers);

    const generated = [await generate(a), await generate(b)];
    const generationOver = await generate(a);
    const batches = [await batch(b), await batch(a)];
    const batchOver = await batch(b);
    const exports = [await exportCsv(a), await exportCsv(b)];
    const exportOver = await exportCsv(a);

    expect(generated.map((r) => r.status)).toEqual([200, 200]);
    expectRateLimited(generationOver, 2, 'generation');
    expect(Number(generationOver.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(batches.map((r) => r.status)).toEqual([201, 201]);
    expectRateLimited(batchOver, 2, 'batch-create');
    expect(Number(batchOver.headers['retry-after'])).toBeGreaterThan(3500);
    expect(exports.map((r) => r.status)).toEqual([200, 200]);
    expectRateLimited(exportOver, 2, 'export');
    expect(Number(exportOver.headers['retry-after'])).toBeGreaterThan(3500);
    for (const name of ['generation', 'batch-create', 'export']) {
      expect(await redis.keys(`${prefix}:rl:${name}:*user:${user.id}`)).toHaveLength(1);
    }
  });

  it('when another deployment uses a different QUEUE_PREFIX on the same Redis, then its budget is its own', async () => {
    const env = { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' };
    const [a] = await start(env);
    const [other] = await start(env);
    await request(a.app).get('/api/docs').expect(200);
    await request(a.app).get('/api/docs').expect(200);
    await request(a.app).get('/api/docs').expect(429);

    const elsewhere = await request(other.app).get('/api/docs');

    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers['ratelimit-remaining']).toBe('1');
  });

  it('when the Redis connection is lost, then limits keep applying per process (no 500) and sharing resumes when it is back', async () => {
    const [a, b] = await start({ RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000' });
    await request(a.app).get('/api/docs').expect(200);
    const client = a.services.redis!;

    client.disconnect();
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await request(a.app).get('/api/docs'));
    // B still counts in Redis: its first request is the second the shared budget has seen.
    const onB = await request(b.app).get('/api/docs');
    await client.connect();
    const afterReconnect = await request(a.app).get('/api/docs');

    expect(during.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(during.map((r) => r.headers['ratelimit-remaining'])).toEqual(['3', '2', '1', '0', '0']);
    expectRateLimited(during[4]!, 4, 'general');
    expect(onB.headers['ratelimit-remaining']).toBe('2');
    expect(afterReconnect.status).toBe(200);
    expect(afterReconnect.headers['ratelimit-remaining']).toBe('1');
  });
});
