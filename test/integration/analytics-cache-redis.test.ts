import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** With REDIS_URL set, analytics results and their version live in Redis, shared by processes. */
describe.skipIf(!redisUrl)('analytics cache on Redis', () => {
  let first: TestContext;
  let second: TestContext;
  let user: TestUser;
  let redis: Redis;
  const prefix = `lqa_t_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    const env = { REDIS_URL: redisUrl!, QUEUE_PREFIX: prefix };
    first = await createTestContext(testDatabaseKinds()[0]!, env);
    // A second app on the same database plays the role of another API process.
    second = await createTestContext(testDatabaseKinds()[0]!, {
      ...env,
      DATABASE_URL: `sqlite:${first.config.database.storage}`,
    });
    user = await createUser(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    const keys = await redis.keys(`${prefix}:cache:*`);
    if (keys.length) await redis.del(...keys);
    await redis?.quit();
  });

  const dashboard = (ctx: TestContext) =>
    request(ctx.app).get('/api/analytics/dashboard?period=7d').set(user.headers).expect(200);

  it('when one process computed a dashboard, then another serves it; a generation in one invalidates both', async () => {
    const experiment = await createExperiment(first, user);
    expect((await dashboard(first)).headers['x-cache']).toBe('MISS');
    const shared = await dashboard(second);
    expect(shared.headers['x-cache']).toBe('HIT');
    expect(await redis.keys(`${prefix}:cache:analytics:*`)).not.toHaveLength(0);

    await request(first.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 1 })
      .expect(200);

    // The event reaches the other process through Redis pub/sub, a moment later.
    let after = await dashboard(second);
    for (let i = 0; i < 40 && after.headers['x-cache'] === 'HIT'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await dashboard(second);
    }
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body.data.overview.total_responses).toBe(
      shared.body.data.overview.total_responses + 1,
    );
  });
});
