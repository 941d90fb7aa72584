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

/** t(0.975, 1): the 95% interval of two values is their mean ± 12.706·s/√2. */
const T_975_DF1 = 12.7062;
/** Quality peaks at temperature 0.7: q(t) = 90 − 50·(t − 0.7)². */
const quadratic = (t: number) => 90 - 50 * (t - 0.7) ** 2;
const TEMPERATURES = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3];

describe.each(testDatabaseKinds())('parameter analysis and curves on $name', (kind) => {
  let ctx: TestContext;
  let curveUser: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    // Two responses per temperature, at q(t) ± 1: every bin mean lies on the quadratic.
    curveUser = await createUser(ctx);
    const experiment = await createExperiment(ctx, curveUser);
    for (const t of TEMPERATURES) {
      for (const noise of [-1, 1]) {
        await insertResponseWithMetrics(ctx, experiment.id, {
          content: 'A response.',
          parameters: { temperature: t, top_p: 1, max_tokens: 500 },
          metrics: { overall_quality: quadratic(t) + noise, creativity_score: 50 + 20 * t },
          model: 'curve-model',
        });
      }
    }
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const get = (user: TestUser, path: string) =>
    request(ctx.app).get(`/api/analytics/${path}`).set(user.headers);

  it('when temperature has a known quadratic effect, then the bins, intervals, optimal range and finding follow from it', async () => {
    const res = await get(curveUser, 'parameter-analysis?parameter=temperature').expect(200);
    const data = res.body.data;
    expect(data.total_responses).toBe(14);
    expect(data.bins).toHaveLength(7);
    const best = data.bins.find((b: any) => b.mean_value === 0.7);
    expect(best).toEqual({
      range: [0.7, 0.7],
      mean_value: 0.7,
      n: 2,
      mean_quality: 90,
      // Sample SD of {89, 91} is √2, so the half-width is t·√2/√2 = t.
      ci_95: [Number((90 - T_975_DF1).toFixed(2)), Number((90 + T_975_DF1).toFixed(2))],
    });
    expect(data.bins.map((b: any) => b.mean_quality)).toEqual(
      TEMPERATURES.map((t) => Number(quadratic(t).toFixed(2))),
    );
    // Bins whose mean is within the best bin's interval (≥ 77.29): 0.3 (82) … 1.1 (82); 0.1 and 1.3 score 72.
    expect(data.optimal_range).toMatchObject({ min: 0.3, max: 1.1, best_value: 0.7, n: 2 });
    // Symmetric around 0.7, so no linear correlation with overall quality…
    const overall = data.correlations.find((c: any) => c.metric === 'overall_quality');
    expect(overall.n).toBe(14);
    expect(Math.abs(overall.correlation)).toBeLessThan(0.001);
    // …while creativity = 50 + 20·t is perfectly linear in it.
    expect(data.correlations.find((c: any) => c.metric === 'creativity_score')).toMatchObject({
      correlation: 1,
      n: 14,
    });
    expect(data.correlations.find((c: any) => c.metric === 'technical_depth')).toEqual({
      metric: 'technical_depth',
      correlation: null,
      p_value: null,
      n: 0,
    });
    expect(data.finding).toContain('temperature ≈ 0.7 (mean 90, 95% CI 77.3–102.7, n = 2)');
    expect(data.finding).toContain('Settings in 0.3–1.1 score within that interval');
    expect(data.finding).toContain('creativity responds most (r = 1)');
  });

  it('when a quadratic curve is fitted, then the optimum is at the vertex with an interval around it', async () => {
    const res = await get(curveUser, 'parameter-curve?parameter=temperature').expect(200);
    const data = res.body.data;
    expect(data.responses).toBe(14);
    expect(data.points).toHaveLength(7);
    // 90 − 50(t − 0.7)² = 65.5 + 70t − 50t².
    const [c0, c1, c2] = data.fit.coefficients;
    expect(c0).toBeCloseTo(65.5, 6);
    expect(c1).toBeCloseTo(70, 6);
    expect(c2).toBeCloseTo(-50, 6);
    expect(data.fit.r2).toBe(1);
    expect(data.optimum.value).toBeCloseTo(0.7, 6);
    expect(data.optimum.predicted).toBe(90);
    expect(data.optimum.at_boundary).toBe(false);
    const [low, high] = data.optimum.interval_95;
    expect(low).toBeLessThan(0.7);
    expect(high).toBeGreaterThan(0.7);
    expect(data.one_se_range.min).toBeLessThanOrEqual(0.7);
    expect(data.one_se_range.max).toBeGreaterThanOrEqual(0.7);
    expect(data.curve).toHaveLength(41);
    const peak = data.curve.find((p: any) => p.x === 0.7);
    expect(peak.fitted).toBe(90);
    expect(peak.low).toBeLessThanOrEqual(90);
    expect(peak.high).toBeGreaterThanOrEqual(90);
    // Same seed, same band: a second (fresh) computation is identical.
    const again = await get(curveUser, 'parameter-curve?parameter=temperature')
      .set('Cache-Control', 'no-cache')
      .expect(200);
    expect(again.body.data.curve).toEqual(data.curve);
  });

  it('when another metric is asked, then it is the one fitted', async () => {
    const res = await get(curveUser, 'parameter-curve?parameter=temperature&metric=creativity');
    expect(res.status).toBe(200);
    expect(res.body.data.metric).toBe('creativity_score');
    // creativity = 50 + 20t is linear: the optimum sits at the top of the tested range.
    expect(res.body.data.optimum).toMatchObject({ value: 1.3, at_boundary: true });
  });

  it('when filters leave fewer than 3 values, then the curve is a 400 that says why', async () => {
    const res = await get(curveUser, 'parameter-curve?parameter=top_p').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/at least 3 distinct top_p values.*give 1\./);
    const analysis = await get(curveUser, 'parameter-analysis?parameter=top_p').expect(200);
    expect(analysis.body.data.optimal_range).toBeNull();
    expect(analysis.body.data.finding).toMatch(/All 14 scored responses used top_p = 1/);
  });

  it('when filtered by model and dates, then only those responses are analysed; other users see none', async () => {
    const none = await get(curveUser, 'parameter-analysis?parameter=temperature&model=other');
    expect(none.body.data.total_responses).toBe(0);
    const model = await get(
      curveUser,
      'parameter-analysis?parameter=temperature&model=curve-model',
    );
    expect(model.body.data.total_responses).toBe(14);
    const past = await get(
      curveUser,
      'parameter-analysis?parameter=temperature&date_range=2020-01-01,2020-12-31',
    ).expect(200);
    expect(past.body.data.total_responses).toBe(0);
    expect(past.body.data.date_range).toEqual({
      from: '2020-01-01T00:00:00.000Z',
      to: '2021-01-01T00:00:00.000Z',
    });
    const stranger = await createUser(ctx);
    const theirs = await get(stranger, 'parameter-analysis?parameter=temperature').expect(200);
    expect(theirs.body.data.total_responses).toBe(0);
    expect(theirs.body.data.finding).toMatch(/No scored responses/);
  });

  it('when the parameter or dates are invalid, then 400 VALIDATION_ERROR explains', async () => {
    const unknown = await get(curveUser, 'parameter-analysis?parameter=warmth').expect(400);
    expect(unknown.body.error.code).toBe('VALIDATION_ERROR');
    expect(unknown.body.error.message).toMatch(/temperature, top_p, max_tokens/);
    await get(curveUser, 'parameter-analysis').expect(400);
    const both = await get(
      curveUser,
      'parameter-analysis?parameter=temperature&date_from=2024-01-01&date_range=2024-01-01,2024-02-01',
    ).expect(400);
    expect(both.body.error.message).toMatch(/either date_from\/date_to or date_range/);
    const reversed = await get(
      curveUser,
      'parameter-analysis?parameter=temperature&date_from=2024-02-01&date_to=2024-01-01',
    ).expect(400);
    expect(reversed.body.error.message).toMatch(/before its end/);
    const badMetric = await get(curveUser, 'parameter-curve?parameter=temperature&metric=vibes');
    expect(badMetric.status).toBe(400);
  });
});
