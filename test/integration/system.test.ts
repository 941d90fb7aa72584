import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
