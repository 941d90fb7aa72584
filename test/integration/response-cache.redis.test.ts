import request from 'supertest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** With REDIS_URL set, the response cache lives in Redis and is shared by every API process. */
describe.skipIf(!redisUrl)('response cache on Redis', () => {
  let first: TestContext;
  let second: TestContext;
  let user: TestUser;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    first = await createTestContext(testDatabaseKinds()[0]!, { REDIS_URL: redisUrl! });
    // A second app on the same database plays the role of another API process.
    second = await createTestContext(testDatabaseKinds()[0]!, {
      REDIS_URL: redisUrl!,
      DATABASE_URL: `sqlite:${first.config.database.storage}`,
    });
    user = await createUser(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await redis?.quit();
  });

  it('when one process caches a generation, then another process serves it from Redis at no cost', async () => {
    const prompt = `Explain caching ${Date.now()}`;
    const experiment = await createExperiment(first, user, { prompt });
    const body = { experiment_id: experiment.id, count: 2, cache: true };

    const fresh = await request(first.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send(body)
      .expect(200);
    const cached = await request(second.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send(body)
      .expect(200);

    expect(fresh.body.data.responses.every((r: any) => !r.cached)).toBe(true);
    expect(cached.body.data.responses.every((r: any) => r.cached && r.cost === 0)).toBe(true);
    expect(cached.body.data.responses.map((r: any) => r.content)).toEqual(
      fresh.body.data.responses.map((r: any) => r.content),
    );
    const keys = await redis.keys('lqa:response-cache:v1:*');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    // Keys are hashes: no prompt text in Redis key names.
    expect(keys.some((k) => k.includes('caching'))).toBe(false);
  });
});
