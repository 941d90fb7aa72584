import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponseWithMetrics,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const DAY = 86_400_000;

/** Midday UTC `days` ago, so a response never straddles a day boundary mid-test. */
function daysAgo(days: number): Date {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCHours(12, 0, 0, 0);
  return d.getTime() > Date.now() ? new Date(d.getTime() - DAY) : d;
}

describe.each(testDatabaseKinds())('GET /api/analytics/dashboard on $name', (kind) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  async function scored(
    experimentId: number,
    quality: number,
    options: {
      model?: string;
      cost?: number;
      createdAt?: Date;
      parameters?: Record<string, number>;
    } = {},
  ) {
    return insertResponseWithMetrics(ctx, experimentId, {
      content: 'A response.',
      parameters: options.parameters ?? { temperature: 0.7 },
      metrics: { overall_quality: quality },
      cost: options.cost ?? 0.001,
      responseTime: 1,
      model: options.model ?? 'model-a',
      ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    });
  }

  function dashboard(user: TestUser, query = '') {
    return request(ctx.app)
      .get(`/api/analytics/dashboard${query}`)
      .set(user.headers)
      .set('Cache-Control', 'no-cache');
  }

  it('when three models have known qualities, then the overview, ranking, days and top experiments match them', async () => {
    const user = await createUser(ctx);
    const e1 = await createExperiment(ctx, user, { name: 'Strong' });
    const e2 = await createExperiment(ctx, user, { name: 'Weak' });
    const yesterday = daysAgo(1);
    const twoDaysAgo = daysAgo(2);
    // model-a: 80, 90 (mean 85); model-b: 70, 72 (71); model-c: 60.
    await scored(e1.id, 80, { model: 'model-a', cost: 0.01, createdAt: yesterday });
    await scored(e1.id, 90, { model: 'model-a', cost: 0.03, createdAt: twoDaysAgo });
    await scored(e2.id, 70, { model: 'model-b', cost: 0.002, createdAt: yesterday });
    await scored(e2.id, 72, { model: 'model-b', cost: 0.004, createdAt: yesterday });
    await scored(e2.id, 60, { model: 'model-c', cost: 0, createdAt: twoDaysAgo });
    // Unscored and failed responses: the first counts as a response, the second not at all.
    await insertResponseWithMetrics(ctx, e2.id, {
      content: 'Not scored yet.',
      parameters: null,
      model: 'model-c',
      cost: 0.001,
      createdAt: yesterday,
    });
    await insertResponseWithMetrics(ctx, e2.id, {
      content: '',
      parameters: null,
      model: 'model-c',
      status: 'failed',
      createdAt: yesterday,
    });

    const res = await dashboard(user, '?period=7d').expect(200);
    expect(res.headers['x-cache']).toBe('MISS');
    const data = res.body.data;
    expect(data.overview).toEqual({
      total_experiments: 2,
      total_responses: 6,
      // (80 + 90 + 70 + 72 + 60) / 5
      average_quality: 74.4,
      quality_trend: null,
      active_models: 3,
      total_cost: 0.047,
      cost_trend: null,
    });
    expect(data.model_performance).toEqual([
      { model: 'model-a', average_quality: 85, response_count: 2, cost_per_response: 0.02 },
      { model: 'model-b', average_quality: 71, response_count: 2, cost_per_response: 0.003 },
      { model: 'model-c', average_quality: 60, response_count: 2, cost_per_response: 0.0005 },
    ]);
    expect(data.top_experiments).toEqual([
      { id: e1.id, name: 'Strong', average_quality: 85, response_count: 2 },
      { id: e2.id, name: 'Weak', average_quality: 67.33, response_count: 4 },
    ]);
    expect(data.quality_trends).toEqual([
      {
        date: twoDaysAgo.toISOString().slice(0, 10),
        average_quality: 75, // (90 + 60) / 2
        experiment_count: 2,
        response_count: 2,
      },
      {
        date: yesterday.toISOString().slice(0, 10),
        average_quality: 74, // (80 + 70 + 72) / 3
        experiment_count: 2,
        response_count: 4,
      },
    ]);
  });

  it('when the previous period has data, then quality and cost trends are % changes against it', async () => {
    const user = await createUser(ctx);
    const e = await createExperiment(ctx, user);
    // Current 7 days: mean 80, cost 0.03. The 7 days before: mean 64, cost 0.02.
    await scored(e.id, 78, { cost: 0.01, createdAt: daysAgo(1) });
    await scored(e.id, 82, { cost: 0.02, createdAt: daysAgo(3) });
    await scored(e.id, 64, { cost: 0.02, createdAt: daysAgo(10) });
    // Older than both periods: ignored.
    await scored(e.id, 10, { cost: 5, createdAt: daysAgo(20) });

    const week = (await dashboard(user, '?period=7d').expect(200)).body.data.overview;
    expect(week).toMatchObject({
      total_responses: 2,
      average_quality: 80,
      quality_trend: 25, // (80 − 64) / 64
      total_cost: 0.03,
      cost_trend: 50, // (0.03 − 0.02) / 0.02
    });
    const all = (await dashboard(user, '?period=all').expect(200)).body.data.overview;
    expect(all).toMatchObject({
      total_responses: 4,
      average_quality: 58.5, // (78 + 82 + 64 + 10) / 4
      quality_trend: null,
      cost_trend: null,
    });
  });

  it("when another user has data, then it is never counted; an admin's dashboard counts both", async () => {
    const owner = await createUser(ctx);
    const other = await createUser(ctx);
    const admin = await createUser(ctx, { role: 'admin' });
    const mine = await createExperiment(ctx, owner);
    const theirs = await createExperiment(ctx, other);
    await scored(mine.id, 50, { model: 'scope-model', createdAt: daysAgo(1) });
    await scored(theirs.id, 90, { model: 'scope-model', createdAt: daysAgo(1) });
    await scored(theirs.id, 100, { model: 'scope-model', createdAt: daysAgo(1) });

    const own = (await dashboard(owner).expect(200)).body.data;
    expect(own.overview).toMatchObject({ total_responses: 1, average_quality: 50 });
    expect(own.model_performance).toEqual([
      expect.objectContaining({ model: 'scope-model', response_count: 1 }),
    ]);
    const everyone = (await dashboard(admin, '?models=scope-model').expect(200)).body.data;
    expect(everyone.overview).toMatchObject({ total_responses: 3, average_quality: 80 });
  });

  it('when filtered by models and experiment types (tags), then only matching responses count', async () => {
    const user = await createUser(ctx);
    const creative = await createExperiment(ctx, user, { tags: ['creative'] });
    const technical = await createExperiment(ctx, user, { tags: ['technical', 'docs'] });
    await scored(creative.id, 90, { model: 'm1', createdAt: daysAgo(1) });
    await scored(creative.id, 70, { model: 'm2', createdAt: daysAgo(1) });
    await scored(technical.id, 40, { model: 'm1', createdAt: daysAgo(1) });

    const tagged = await dashboard(user, '?experiment_types=creative').expect(200);
    expect(tagged.body.data.overview).toMatchObject({ total_responses: 2, average_quality: 80 });
    const both = await dashboard(user, '?experiment_types=docs,creative&models=m1').expect(200);
    expect(both.body.data.overview).toMatchObject({ total_responses: 2, average_quality: 65 });
    const repeated = await dashboard(user, '?models=m2&models=m1').expect(200);
    expect(repeated.body.data.overview.total_responses).toBe(3);
  });

  it('when a parameter was varied, then its insight names the best value and the correlation', async () => {
    const user = await createUser(ctx);
    const e = await createExperiment(ctx, user);
    // temperature 0.2 → 60, 0.5 → 70, 0.8 → 85 (two responses each; r computed by hand below).
    for (const [t, q] of [
      [0.2, 59],
      [0.2, 61],
      [0.5, 69],
      [0.5, 71],
      [0.8, 84],
      [0.8, 86],
    ] as const) {
      await scored(e.id, q, { parameters: { temperature: t, top_p: 1 }, createdAt: daysAgo(1) });
    }
    const insights = (await dashboard(user).expect(200)).body.data.parameter_insights;
    const temperature = insights.find((p: any) => p.parameter === 'temperature');
    // Pearson r of x = (.2,.2,.5,.5,.8,.8), y = (59,61,69,71,84,86): Sxy = 15, Sxx = 0.36,
    // Syy = 639⅓ → r = 0.989.
    expect(temperature).toEqual({
      parameter: 'temperature',
      optimal_value: 0.8,
      correlation_with_quality: Number((15 / Math.sqrt(0.36 * (1918 / 3))).toFixed(3)),
      mean_quality_at_optimal: 85,
      response_count: 6,
    });
    // top_p never varied: no optimum, no correlation.
    expect(insights.find((p: any) => p.parameter === 'top_p')).toMatchObject({
      optimal_value: null,
      correlation_with_quality: null,
      response_count: 6,
    });
  });

  it('when the query is invalid, then 400 VALIDATION_ERROR says what is expected', async () => {
    const user = await createUser(ctx);
    const res = await dashboard(user, '?period=5y').expect(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/24h, 7d, 30d, 90d, all/);
    await request(ctx.app).get('/api/analytics/dashboard').expect(401);
  });
});
