import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, insertResponse } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('system endpoints on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when the database is up, then health reports every field with real values', async () => {
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    await insertResponse(ctx, experiment.id, { quality: 80 });
    await insertResponse(ctx, experiment.id, { quality: 90 });

    const res = await request(ctx.app).get('/api/health').expect(200);

    expect(res.body).toMatchObject({
      status: 'OK',
      message: expect.any(String),
      version: '1.0.0',
      services: { database: 'Connected', llm_service: 'Connected', mock_mode: true },
      statistics: { total_experiments: 1, total_responses: 2, avg_quality_score: 85 },
      environment: 'test',
    });
    expect(res.body.statistics.active_connections).toBeGreaterThanOrEqual(1);
    expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
  });

  it('when health is asked again, then the statistics are reused for 30 s and recounted after', async () => {
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    await request(ctx.app).get('/api/health').expect(200);
    const before = (await request(ctx.app).get('/api/health').expect(200)).body.statistics;
    await insertResponse(ctx, experiment.id, { quality: 40 });
    // Within 30 s: the counts of the previous call (the database itself is still probed).
    const cached = (await request(ctx.app).get('/api/health').expect(200)).body;
    expect(cached.status).toBe('OK');
    expect(cached.statistics.total_responses).toBe(before.total_responses);

    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 31_000);
    try {
      await request(ctx.app).get('/api/health').expect(200); // stale: recount in the background
      let latest = before.total_responses;
      for (let i = 0; i < 50 && latest === before.total_responses; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        latest = (await request(ctx.app).get('/api/health').expect(200)).body.statistics
          .total_responses;
      }
      expect(latest).toBe(before.total_responses + 1);
    } finally {
      clock.mockRestore();
    }
  });
});
