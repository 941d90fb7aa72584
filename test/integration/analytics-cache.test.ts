import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('analytics caching on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind, { ANALYTICS_CACHE_TTL_SECONDS: '1' });
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const dashboard = (headers: Record<string, string> = {}) =>
    request(ctx.app).get('/api/analytics/dashboard?period=7d').set(user.headers).set(headers);

  async function generate(experimentId: number, count: number) {
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experimentId, count })
      .expect(200);
  }

  it('when the same dashboard is asked twice, then the second answer is a HIT with the same data; no-cache recomputes', async () => {
    const experiment = await createExperiment(ctx, user);
    await generate(experiment.id, 1);
    const first = await dashboard().expect(200);
    const second = await dashboard().expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual(first.body);
    const forced = await dashboard({ 'Cache-Control': 'no-cache' }).expect(200);
    expect(forced.headers['x-cache']).toBe('MISS');
    // Another query is another entry.
    const month = await request(ctx.app)
      .get('/api/analytics/dashboard?period=30d')
      .set(user.headers)
      .expect(200);
    expect(month.headers['x-cache']).toBe('MISS');
  });

  it('when a response is generated through the API, then the cached dashboard is invalidated and counts it', async () => {
    const experiment = await createExperiment(ctx, user);
    await dashboard().expect(200);
    const before = await dashboard().expect(200);
    expect(before.headers['x-cache']).toBe('HIT');

    await generate(experiment.id, 2);

    const after = await dashboard().expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.body.data.overview.total_responses).toBe(
      before.body.data.overview.total_responses + 2,
    );
  });

  it('when the TTL has passed, then the entry is recomputed', async () => {
    await dashboard().expect(200);
    expect((await dashboard().expect(200)).headers['x-cache']).toBe('HIT');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await dashboard().expect(200)).headers['x-cache']).toBe('MISS');
  });

  it("when two users ask the same query, then neither gets the other's cached answer", async () => {
    const other = await createUser(ctx);
    await dashboard().expect(200);
    const theirs = await request(ctx.app)
      .get('/api/analytics/dashboard?period=7d')
      .set(other.headers)
      .expect(200);
    expect(theirs.headers['x-cache']).toBe('MISS');
    expect(theirs.body.data.overview.total_responses).toBe(0);
  });
});
