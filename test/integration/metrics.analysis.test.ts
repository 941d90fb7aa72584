import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const DAY = 86_400_000;

describe.each(testDatabaseKinds())('comparisons, trends and experiment stats on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** Stores a scored response with the given temperature and quality. */
  async function scored(
    experimentId: number,
    temperature: number,
    quality: number,
    createdAt?: Date,
  ) {
    const id = await insertResponse(ctx, experimentId, {
      quality,
      ...(createdAt ? { createdAt } : {}),
    });
    await ctx.db.models.Response.update(
      {
        parameters: {
          temperature,
          top_p: 1,
          max_tokens: 500,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
      },
      { where: { id } },
    );
    return id;
  }

  it("when responses are compared, then the answer has the spec's shape with data-derived insights", async () => {
    const experiment = await createExperiment(ctx, user);
    const ids = [
      await scored(experiment.id, 0.2, 60),
      await scored(experiment.id, 0.5, 70),
      await scored(experiment.id, 0.8, 85),
      await scored(experiment.id, 1.0, 90),
    ];

    const res = await request(ctx.app)
      .post('/api/responses/compare')
      .set(user.headers)
      .send({
        response_ids: ids,
        comparison_criteria: ['quality', 'creativity', 'readability'],
        include_detailed_analysis: true,
      })
      .expect(200);

    const comparison = res.body.data.comparison;
    expect(comparison.responses).toHaveLength(4);
    expect(comparison.responses[0]).toMatchObject({
      id: ids[0],
      overall_quality: 60,
      metrics: { creativity_score: 60, readability_score: 60 },
      content_preview: expect.any(String),
      model: 'mock-balanced',
      parameters: { temperature: 0.2, top_p: 1 },
    });
    expect(comparison.analysis.best_overall).toEqual({ response_id: ids[3], score: 90 });
    expect(comparison.analysis.best_creativity).toEqual({ response_id: ids[3], score: 90 });
    expect(comparison.analysis.parameter_insights.join(' ')).toMatch(
      /Higher temperature \(0\.8–1 among the best\) goes with higher overall quality \(r = 0\.99\d*, n = 4\)/,
    );
    expect(comparison.analysis.recommendations.join(' ')).toMatch(new RegExp(`response ${ids[3]}`));
    expect(comparison.detailed_comparison.quality_differences).toContainEqual(
      expect.objectContaining({
        metric: 'creativity_score',
        range: 30,
        highest: 90,
        lowest: 60,
        average: 76.25,
      }),
    );
  });

  it('when an unscored response is compared, then it is scored first', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Describe a forest at dawn' });
    const a = await insertResponse(ctx, experiment.id, {
      content:
        'Mist lifts from the ferns as the first birds call. Light spills between the trunks.',
    });
    const b = await insertResponse(ctx, experiment.id, {
      content: 'Forest. Forest. Forest forest forest.',
    });
    const res = await request(ctx.app)
      .post('/api/responses/compare')
      .set(user.headers)
      .send({ response_ids: [a, b] })
      .expect(200);
    expect(
      res.body.data.comparison.responses.every((r: any) => typeof r.overall_quality === 'number'),
    ).toBe(true);
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: [a, b] } })).toBe(2);
  });

  it('when metrics are compared in detail, then rankings, spreads and explanations for the focus metrics are returned', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain recursion' });
    const a = await insertResponse(ctx, experiment.id, {
      content:
        'Recursion is when a function calls itself on a smaller input until it reaches a base case. For example, factorial(n) = n * factorial(n - 1), with factorial(0) = 1.',
    });
    const b = await insertResponse(ctx, experiment.id, {
      content: 'It is a thing. Things happen. Yes.',
    });
    const res = await request(ctx.app)
      .post('/api/metrics/compare')
      .set(user.headers)
      .send({
        response_ids: [a, b],
        comparison_type: 'detailed',
        focus_metrics: ['technical_depth', 'coherence'],
      })
      .expect(200);
    const comparison = res.body.data.comparison;
    expect(comparison.focus_metrics).toEqual(['technical_depth', 'coherence_score']);
    expect(comparison.rankings.technical_depth[0]).toBe(a);
    expect(comparison.differences).toHaveLength(2);
    expect(comparison.detailed_analysis[a].technical_depth.explanation).toEqual(expect.any(String));
    expect(comparison.diversity).toMatchObject({ n: 2 });
  });

  it('when fewer than 2 ids or unknown ids are compared, then 400 / 404', async () => {
    await request(ctx.app)
      .post('/api/metrics/compare')
      .set(user.headers)
      .send({ response_ids: [1] })
      .expect(400);
    await request(ctx.app)
      .post('/api/responses/compare')
      .set(user.headers)
      .send({ response_ids: [99999998, 99999999] })
      .expect(404);
  });

  it('when trends are asked for, then daily points, their counts and the direction come from stored scores', async () => {
    const trendUser = await createUser(ctx);
    const experiment = await createExperiment(ctx, trendUser);
    const now = Date.now();
    const day = (n: number) => new Date(now - n * DAY);
    for (const [ago, q] of [
      [5, 60],
      [5, 62],
      [3, 70],
      [1, 80],
      [1, 84],
    ] as const) {
      await scored(experiment.id, 0.7, q, day(ago));
    }
    await scored(experiment.id, 0.7, 10, day(20)); // outside 7d

    const res = await request(ctx.app)
      .get('/api/metrics/trends?period=7d')
      .set(trendUser.headers)
      .expect(200);
    const trends = res.body.data.trends;
    expect(trends).toMatchObject({ period: '7d', metric: 'overall_quality', granularity: 'day' });
    expect(trends.data_points.map((p: any) => [p.average_quality, p.response_count])).toEqual([
      [61, 2],
      [70, 1],
      [82, 2],
    ]);
    expect(trends.data_points[0].date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(trends.trend_analysis).toMatchObject({
      direction: 'improving',
      peak_quality: 82,
      low_quality: 61,
    });
    expect(trends.trend_analysis.change_percentage).toBeGreaterThan(0);

    const narrowed = await request(ctx.app)
      .get(`/api/metrics/trends?period=90d&metric=coherence&experiment_ids=${experiment.id}`)
      .set(trendUser.headers)
      .expect(200);
    expect(narrowed.body.data.trends.metric).toBe('coherence_score');
    expect(narrowed.body.data.trends.data_points).toHaveLength(4);

    const hourly = await request(ctx.app)
      .get('/api/metrics/trends?period=24h')
      .set(trendUser.headers)
      .expect(200);
    expect(hourly.body.data.trends.granularity).toBe('hour');
    // Another user sees none of it.
    const stranger = await createUser(ctx);
    const theirs = await request(ctx.app)
      .get('/api/metrics/trends?period=90d')
      .set(stranger.headers)
      .expect(200);
    expect(theirs.body.data.trends.data_points).toEqual([]);
    await request(ctx.app).get('/api/metrics/trends?period=1y').set(trendUser.headers).expect(400);
  });

  it('when experiment stats are asked for, then overview, breakdown, parameter impact and time series reflect the responses', async () => {
    const experiment = await createExperiment(ctx, user);
    const base = Date.now() - DAY;
    await scored(experiment.id, 0.2, 50, new Date(base));
    await scored(experiment.id, 0.2, 54, new Date(base + 1000));
    await scored(experiment.id, 0.9, 80, new Date(base + 2000));
    await scored(experiment.id, 0.9, 86, new Date(base + 3000));

    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/stats`)
      .set(user.headers)
      .expect(200);
    const stats = res.body.data;
    expect(stats.experiment_id).toBe(experiment.id);
    expect(stats.overview).toMatchObject({
      total_responses: 4,
      average_quality: 67.5,
      best_quality: 86,
      worst_quality: 50,
    });
    expect(stats.overview.quality_trend).toBeGreaterThan(0);
    expect(stats.quality_breakdown.coherence_score).toBe(67.5);
    expect(stats.parameter_performance.temperature_impact).toBeGreaterThan(0.9);
    expect(stats.parameter_performance.top_p_impact).toBeNull();
    expect(stats.parameter_performance.optimal_settings).toEqual({ temperature: 0.9, top_p: 1 });
    expect(stats.time_series.map((p: any) => p.quality)).toEqual([50, 54, 80, 86]);
    expect(stats.time_series[0]).toMatchObject({
      response_order: 1,
      timestamp: expect.any(String),
    });
    expect(stats.diversity).toHaveLength(2);

    const stranger = await createUser(ctx);
    await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/stats`)
      .set(stranger.headers)
      .expect(404);
  });
});
