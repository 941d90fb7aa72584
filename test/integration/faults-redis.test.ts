import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, getBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { sleep, uniquePrefix } from '../helpers/jobs-helpers.js';
import {
  redisServerAvailable,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '../helpers/throwaway-redis.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 2: Redis goes away and comes back empty (no persistence, as a crashed cache
 * node). The API keeps serving — caches miss, rate limits count in memory, events are
 * dropped — and health says Redis is down; the sweep that was running pauses and, once Redis
 * is back, finishes with every cell exactly once although Redis lost its queued jobs.
 */
describe.skipIf(!redisServerAvailable() && !process.env.CI)('Redis going away', () => {
  let redis: ThrowawayRedis;
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    ctx = await createTestContext(
      { name: 'sqlite' },
      {
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix('faults-redis'),
        MOCK_LATENCY_MS: '60',
        QUALITY_AUTO_SCORE: 'false',
        RATE_LIMIT_ENABLED: 'true',
      },
      { workers: true },
    );
    user = await createUser(ctx);
  }, 30_000);
  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await redis?.destroy();
  });

  it('when Redis dies mid-sweep, then the API keeps serving, health reports Redis down, and the sweep resumes once Redis is back with every cell exactly once', async () => {
    const healthy = await request(ctx.app).get('/api/health').expect(200);
    expect(healthy.body.services.redis).toBe('Connected');
    const experiment = await createExperiment(ctx, user, { model: 'mock-fast' });
    const batch = await createBatch(ctx, user, {
      model: 'mock-fast',
      parameter_ranges: { temperature: { values: [0.1, 0.4, 0.7, 1.0] } },
      iterations_per_combination: 10,
    });
    await sleep(300);

    await redis.kill();
    await sleep(200);
    const cellsAtKill = await ctx.db.models.Response.count({
      where: { batch_experiment_id: batch.id },
    });

    // Served while Redis is down: reads, writes, generation (response cache), analytics (cache).
    const started = Date.now();
    await request(ctx.app).get('/api/experiments').set(user.headers).expect(200);
    await request(ctx.app)
      .post('/api/experiments')
      .set(user.headers)
      .send({ name: 'offline', prompt: 'p' })
      .expect(201);
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 1 })
      .expect(200);
    await request(ctx.app).get('/api/analytics/dashboard').set(user.headers).expect(200);
    await request(ctx.app).get(`/api/batch-experiments/${batch.id}`).set(user.headers).expect(200);
    expect(Date.now() - started).toBeLessThan(15_000); // fails fast, no request waits on Redis
    const down = await request(ctx.app).get('/api/health');
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({
      status: 'DEGRADED',
      services: { database: 'Connected', redis: 'Disconnected' },
    });

    // Paused: no cell is worked while the queue is unreachable.
    await sleep(1_000);
    const cellsWhileDown = await ctx.db.models.Response.count({
      where: { batch_experiment_id: batch.id },
    });
    expect(cellsWhileDown).toBeLessThan(40);
    expect(cellsAtKill).toBeLessThan(40);

    await redis.start();
    const done = await waitForBatch(ctx, user, batch.id, undefined, 60_000);
    expect(done.status).toBe('completed');
    const [cells] = await ctx.db.sequelize.query(
      `SELECT combination_id, iteration, COUNT(*) AS n FROM responses WHERE batch_experiment_id = ${batch.id} GROUP BY combination_id, iteration`,
    );
    expect(cells).toHaveLength(40);
    expect((cells as { n: number }[]).every((c) => Number(c.n) === 1)).toBe(true);
    const back = await request(ctx.app).get('/api/health').expect(200);
    expect(back.body).toMatchObject({ status: 'OK', services: { redis: 'Connected' } });
    expect((await getBatch(ctx, user, batch.id)).status).toBe('completed');
  }, 90_000);
});
