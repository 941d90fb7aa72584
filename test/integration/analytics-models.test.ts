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

/**
 * Three models, ten responses each: qualities base + 0…9, fixed cost and latency per model.
 * model-hi: 90…99 (mean 94.5), $0.01, 3 s — the best quality.
 * model-mid: 70…79 (mean 74.5), $0.001, 1 s — the best quality per dollar.
 * model-lo: 50…59 (mean 54.5), $0.0008, 0.5 s — the fastest.
 */
const MODELS = [
  { model: 'model-hi', base: 90, cost: 0.01, time: 3, creativity: 90 },
  { model: 'model-mid', base: 70, cost: 0.001, time: 1, creativity: 60 },
  { model: 'model-lo', base: 50, cost: 0.0008, time: 0.5, creativity: 60 },
];
/** Sample SD of 0…9 = √(82.5 / 9). */
const SD_0_TO_9 = Math.sqrt(82.5 / 9);

describe.each(testDatabaseKinds())('model comparison and paired configs on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    for (const m of MODELS) {
      for (let i = 0; i < 10; i += 1) {
        await insertResponseWithMetrics(ctx, experiment.id, {
          content: 'A response.',
          parameters: { temperature: 0.7 },
          metrics: { overall_quality: m.base + i, creativity_score: m.creativity },
          model: m.model,
          cost: m.cost,
          responseTime: m.time,
        });
      }
    }
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when three models have known qualities, costs and speeds, then metrics, ranking and recommendation follow', async () => {
    const res = await request(ctx.app)
      .get('/api/analytics/model-comparison')
      .set(user.headers)
      .expect(200);
    const data = res.body.data;
    expect(data.model_comparison.map((m: any) => m.model)).toEqual([
      'model-hi',
      'model-mid',
      'model-lo',
    ]);
    const [hi, mid, lo] = data.model_comparison;
    // Cost per quality point: mid 0.001/74.5 is the cheapest; the others relative to it.
    const perPoint = (cost: number, quality: number) => cost / quality;
    expect(hi.metrics).toEqual({
      average_quality: 94.5,
      consistency: Number((1 - SD_0_TO_9 / 94.5).toFixed(3)),
      cost_efficiency: Number((perPoint(0.001, 74.5) / perPoint(0.01, 94.5)).toFixed(3)),
      response_time: 3,
    });
    expect(mid.metrics.cost_efficiency).toBe(1);
    expect(lo.metrics.cost_efficiency).toBe(
      Number((perPoint(0.001, 74.5) / perPoint(0.0008, 54.5)).toFixed(3)),
    );
    expect(lo.metrics.consistency).toBe(Number((1 - SD_0_TO_9 / 54.5).toFixed(3)));
    expect(hi.response_count).toBe(10);
    expect(hi.cost_per_response).toBe(0.01);
    expect(data.recommendation).toEqual({
      best_overall: 'model-hi',
      best_value: 'model-mid',
      best_speed: 'model-lo',
    });
    // creativity 90 against the others' 60; slower and dearer than them.
    expect(hi.strengths).toContain('High creativity (90 vs 60 for the other models)');
    expect(hi.weaknesses).toContain('Slower response time (3 s vs 0.75 s for the others)');
    expect(hi.weaknesses.join(' ')).toMatch(/Higher cost/);
    expect(lo.strengths.join(' ')).toMatch(/Faster responses/);
    expect(mid.weaknesses).toContain('Low creativity (60 vs 75 for the other models)');
  });

  it('when two models do not overlap at all, then Mann-Whitney calls the difference significant', async () => {
    const res = await request(ctx.app)
      .get('/api/analytics/model-comparison')
      .set(user.headers)
      .expect(200);
    const { significance, sampling } = res.body.data;
    expect(significance).toHaveLength(3);
    const pair = significance.find(
      (s: any) => s.model_a === 'model-hi' && s.model_b === 'model-mid',
    );
    // U = 100 (hi wins every pair); z = (100 − 50 − ½)/√(10·10·21/12) = 3.742; p = 0.000183.
    expect(pair).toMatchObject({ u: 100, effect_size: 1, n_a: 10, n_b: 10, significant: true });
    expect(pair.z).toBeCloseTo(49.5 / Math.sqrt((100 * 21) / 12), 3);
    expect(pair.p_value).toBeCloseTo(0.000183, 5);
    // Holm: three equal p-values, the smallest multiplied by 3.
    expect(pair.p_value_adjusted).toBeCloseTo(3 * pair.p_value, 5);
    expect(pair.mean_difference).toBe(20);
    expect(sampling).toMatchObject({
      max_per_model: 2000,
      sampled: { 'model-hi': 10, 'model-mid': 10, 'model-lo': 10 },
    });
  });

  it('when filtered by models, then only those are compared; other users see none of them', async () => {
    const res = await request(ctx.app)
      .get('/api/analytics/model-comparison?models=model-lo,model-mid')
      .set(user.headers)
      .expect(200);
    expect(res.body.data.model_comparison.map((m: any) => m.model)).toEqual([
      'model-mid',
      'model-lo',
    ]);
    expect(res.body.data.significance).toHaveLength(1);
    const stranger = await createUser(ctx);
    const theirs = await request(ctx.app)
      .get('/api/analytics/model-comparison')
      .set(stranger.headers)
      .expect(200);
    expect(theirs.body.data.model_comparison).toEqual([]);
    expect(theirs.body.data.recommendation).toEqual({
      best_overall: null,
      best_value: null,
      best_speed: null,
    });
  });

  it('when a model is free, then it counts as best value and paid models are compared among themselves', async () => {
    const owner = await createUser(ctx);
    const experiment = await createExperiment(ctx, owner);
    for (const [model, quality, cost] of [
      ['free-local', 60, 0],
      ['paid-good', 80, 0.002],
      ['paid-cheap', 50, 0.001],
    ] as const) {
      await insertResponseWithMetrics(ctx, experiment.id, {
        content: 'A response.',
        parameters: { temperature: 0.7 },
        metrics: { overall_quality: quality },
        model,
        cost,
        responseTime: 1,
      });
    }
    const data = (
      await request(ctx.app).get('/api/analytics/model-comparison').set(owner.headers).expect(200)
    ).body.data;
    const efficiency = Object.fromEntries(
      data.model_comparison.map((m: any) => [m.model, m.metrics.cost_efficiency]),
    );
    // Per quality point: paid-good 0.002/80 = 2.5e-5, paid-cheap 0.001/50 = 2e-5 (the cheapest).
    expect(efficiency).toEqual({ 'free-local': 1, 'paid-good': 0.8, 'paid-cheap': 1 });
    // free-local and paid-cheap tie at 1: the higher quality wins.
    expect(data.recommendation.best_value).toBe('free-local');
    // One response per model: consistency is undefined, the rank test has too little to say.
    expect(data.model_comparison[0].metrics.consistency).toBeNull();
  });

  describe('compare-configs', () => {
    let pairsUser: TestUser;
    beforeAll(async () => {
      pairsUser = await createUser(ctx);
      // Ten prompts of different difficulty; B (temperature 0.9) beats A (0.3) by 4…13 points.
      for (let i = 0; i < 10; i += 1) {
        const experiment = await createExperiment(ctx, pairsUser, { prompt: `Prompt number ${i}` });
        const a = 40 + 5 * i;
        const seed = (temperature: number, quality: number) =>
          insertResponseWithMetrics(ctx, experiment.id, {
            content: 'A response.',
            parameters: { temperature, top_p: 1 },
            metrics: { overall_quality: quality },
            model: 'pair-model',
          });
        // Two A responses per prompt (mean a), one B.
        await seed(0.3, a - 1);
        await seed(0.3, a + 1);
        await seed(0.9, a + 4 + i);
      }
      // A prompt only A answered: not a pair.
      const lonely = await createExperiment(ctx, pairsUser, { prompt: 'Only A' });
      await insertResponseWithMetrics(ctx, lonely.id, {
        content: 'A response.',
        parameters: { temperature: 0.3 },
        metrics: { overall_quality: 10 },
        model: 'pair-model',
      });
    });

    const compare = (who: TestUser, body: object) =>
      request(ctx.app).post('/api/analytics/compare-configs').set(who.headers).send(body);

    it('when B beats A on every shared prompt, then the paired test finds it with the right sign', async () => {
      const res = await compare(pairsUser, {
        a: { parameters: { temperature: 0.3 } },
        b: { parameters: { temperature: 0.9 } },
      }).expect(200);
      const data = res.body.data;
      expect(data).toMatchObject({
        metric: 'overall_quality',
        pairs: 10,
        truncated: false,
        a: { description: 'temperature 0.3', responses: 20 },
        b: { description: 'temperature 0.9', responses: 10 },
        mean_difference: 8.5, // mean of 4…13
        significant: true,
        better: 'b',
        effect_size: { rank_biserial: 1 },
      });
      // W+ = 55 (all ten differences positive, no ties): z = 27.5/√96.25, p = 0.00506.
      expect(data.wilcoxon).toMatchObject({ w: 55, n: 10 });
      expect(data.wilcoxon.z).toBeCloseTo(27.5 / Math.sqrt(96.25), 3);
      expect(data.wilcoxon.p_value).toBeCloseTo(0.00506, 4);
      expect(data.ci_95[0]).toBeGreaterThan(4);
      expect(data.ci_95[1]).toBeLessThan(13);
      // d_z = mean / sample SD of 4…13.
      expect(data.effect_size.cohens_dz).toBeCloseTo(8.5 / SD_0_TO_9, 3);
      expect(data.interpretation).toMatch(/Over 10 shared prompts, B scores higher/);

      const reversed = await compare(pairsUser, {
        a: { parameters: { temperature: 0.9 } },
        b: { parameters: { temperature: 0.3 } },
      }).expect(200);
      expect(reversed.body.data).toMatchObject({ mean_difference: -8.5, better: 'a' });
    });

    it('when no prompt was answered by both, then 400 says so; bad bodies are 400 too', async () => {
      const none = await compare(pairsUser, {
        a: { model: 'pair-model' },
        b: { model: 'model-that-never-ran' },
      }).expect(400);
      expect(none.body.error.code).toBe('VALIDATION_ERROR');
      expect(none.body.error.message).toMatch(/No prompt was answered by both configurations/);
      // Another user's responses are not theirs to pair.
      await compare(user, {
        a: { parameters: { temperature: 0.3 } },
        b: { parameters: { temperature: 0.9 } },
      }).expect(400);
      const empty = await compare(pairsUser, { a: {}, b: { model: 'x' } }).expect(400);
      expect(empty.body.error.message).toMatch(/model, parameters and\/or experiment_ids/);
      await compare(pairsUser, { a: { parameters: { warmth: 1 } }, b: { model: 'x' } }).expect(400);
      await compare(pairsUser, { a: { model: 'x' }, b: { model: 'y' }, metric: 'vibes' }).expect(
        400,
      );
    });
  });
});
