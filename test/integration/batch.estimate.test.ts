import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const SWEEP = {
  prompt: 'Explain how tides work',
  model: 'mock-balanced',
  parameter_ranges: {
    temperature: { min: 0.2, max: 1.0, step: 0.2 },
    max_tokens: { values: [100, 500] },
  },
  iterations_per_combination: 3,
};

/** POST /api/batch-experiments/estimate: a sweep's size, grid, cost and duration, before it runs. */
describe.each(testDatabaseKinds())('sweep estimates on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    // One creation an hour: estimates must not spend it.
    ctx = await createTestContext(kind, {
      BATCH_MAX_CELLS: '40',
      RATE_LIMIT_ENABLED: 'true',
      BATCH_RATE_LIMIT_MAX: '1',
    });
    user = await createUser(ctx);
  });
  afterAll(() => ctx?.close());

  const estimate = (body: Record<string, unknown>) =>
    request(ctx.app).post('/api/batch-experiments/estimate').set(user.headers).send(body);

  it('when a sweep is estimated and then created, then the estimate is what the creation reports and nothing was written before it', async () => {
    const first = await estimate(SWEEP).expect(200);
    await estimate(SWEEP).expect(200); // estimates do not count against creations
    const est = first.body.data.estimate;
    expect(est).toMatchObject({
      provider: 'mock',
      model: 'mock-balanced',
      total_combinations: 10,
      iterations_per_combination: 3,
      total_cells: 30,
      max_cells: 40,
    });
    expect(est.estimated_cost).toBeGreaterThan(0);
    expect(est.estimated_duration_seconds).toBeGreaterThanOrEqual(0);
    expect(est.parameter_combinations[0]).toEqual({
      combination_id: 1,
      temperature: 0.2,
      max_tokens: 100,
    });
    expect(await ctx.db.models.BatchExperiment.count()).toBe(0);
    expect(await ctx.db.models.Experiment.count()).toBe(0);

    const created = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({ name: 'Tides', ...SWEEP })
      .expect(201);
    const batch = created.body.data.batch_experiment;
    expect(batch.total_combinations).toBe(est.total_combinations);
    expect(batch.total_cells).toBe(est.total_cells);
    expect(batch.estimated_cost).toBeCloseTo(est.estimated_cost, 6);
    expect(batch.estimated_duration).toBe(est.estimated_duration);
    expect(batch.parameter_combinations).toEqual(est.parameter_combinations);
    // The one creation allowed was the one above; the estimates before it did not count.
    await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({ name: 'Again', ...SWEEP })
      .expect(429);
    await estimate(SWEEP).expect(200);
  });

  it('when several prompts are estimated, then every prompt × setting × iteration counts and each prompt is priced', async () => {
    const one = (await estimate({ ...SWEEP, iterations_per_combination: 1 }).expect(200)).body.data
      .estimate;
    const two = (
      await estimate({
        ...SWEEP,
        prompts: ['Explain how tides work', 'Explain how tides work, in much more detail please'],
        iterations_per_combination: 1,
      }).expect(200)
    ).body.data.estimate;
    expect(two.total_cells).toBe(20);
    expect(two.parameter_combinations.at(-1)).toMatchObject({
      combination_id: 20,
      prompt_index: 1,
    });
    expect(two.estimated_cost).toBeGreaterThan(2 * one.estimated_cost - 1e-9);
  });

  it.each([
    [
      'more cells than the limit',
      { iterations_per_combination: 5 },
      /= 50 cells; the maximum is 40/,
    ],
    ['an unknown model', { model: 'no-such-model' }, /no-such-model/],
    [
      'a step finer than the rounding',
      { parameter_ranges: { top_p: { min: 0, max: 1e-9, step: 1e-12 } } },
      /at least 1e-10/,
    ],
    ['no parameter ranges', { parameter_ranges: {} }, /At least one of/],
  ])(
    'when the sweep has %s, then 400 VALIDATION_ERROR as creating it would',
    async (_l, change, message) => {
      const res = await estimate({ ...SWEEP, ...change }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(res.body.error)).toMatch(message);
    },
  );

  it('when nobody is signed in, then 401', async () => {
    await request(ctx.app).post('/api/batch-experiments/estimate').send(SWEEP).expect(401);
  });
});
