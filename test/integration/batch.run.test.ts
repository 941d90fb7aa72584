import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import {
  ControllableProvider,
  createBatch,
  rowCounts,
  waitForBatch,
  waitForIdle,
} from '../helpers/batch-helpers.js';

describe.each(testDatabaseKinds())('batch experiments run on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  const provider = new ControllableProvider();

  beforeAll(async () => {
    ctx = await createTestContext(kind, {}, { providers: { mock: provider }, workers: true });
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when a 3×2 sweep with 3 iterations is created, then it runs to completion with counts equal to the rows and per-combination statistics', async () => {
    const created = await createBatch(ctx, user, {
      parameter_ranges: {
        temperature: { min: 0.2, max: 1.0, step: 0.4 },
        top_p: { values: [0.5, 1] },
      },
      iterations_per_combination: 3,
      priority: 'high',
    });
    expect(created).toMatchObject({
      status: 'queued',
      total_combinations: 6,
      total_cells: 18,
      priority: 'high',
    });
    expect(created.parameter_combinations).toEqual([
      { combination_id: 1, temperature: 0.2, top_p: 0.5 },
      { combination_id: 2, temperature: 0.2, top_p: 1 },
      { combination_id: 3, temperature: 0.6, top_p: 0.5 },
      { combination_id: 4, temperature: 0.6, top_p: 1 },
      { combination_id: 5, temperature: 1, top_p: 0.5 },
      { combination_id: 6, temperature: 1, top_p: 1 },
    ]);
    expect(created.estimated_cost).toBeGreaterThan(0);
    expect(typeof created.estimated_duration).toBe('string');

    const done = await waitForBatch(ctx, user, created.id);
    const rows = await rowCounts(ctx, created.id);
    expect(done).toMatchObject({
      status: 'completed',
      progress: 100,
      completed_cells: 18,
      failed_cells: 0,
      completed_combinations: 6,
      failed_combinations: 0,
    });
    expect(rows).toMatchObject({ total: 18, completed: 18, failed: 0 });
    // The stored counters (for readers of the table) are exact once the batch has ended.
    const stored = (await ctx.db.models.BatchExperiment.findByPk(created.id))!;
    expect(stored.get('completed_combinations')).toBe(6);
    expect(stored.get('failed_combinations')).toBe(0);
    const keys = new Set(rows.rows.map((r: any) => `${r.combination_id}.${r.iteration}`));
    expect(keys.size).toBe(18);
    expect(done.results_summary.best_quality).toBeGreaterThan(0);
    expect(done.results_summary.optimal_parameters).toHaveProperty('temperature');
    expect(done.insights.length).toBeGreaterThan(0);
    expect(done.insights.join(' ')).toMatch(/temperature|top_p/);
    expect(done.spent_cost).toBeGreaterThan(0);

    const res = await request(ctx.app)
      .get(`/api/batch-experiments/${created.id}/results?sort_by=quality&limit=10`)
      .set(user.headers)
      .expect(200);
    const { results, analysis } = res.body.data;
    expect(results).toHaveLength(6);
    for (const r of results) {
      expect(r.responses).toHaveLength(3);
      expect(r.std_dev).toBeGreaterThanOrEqual(0);
      expect(r.ci95[0]).toBeLessThanOrEqual(r.average_quality);
      expect(r.ci95[1]).toBeGreaterThanOrEqual(r.average_quality);
      expect(Object.keys(r.metrics_breakdown)).toContain('creativity');
    }
    const qualities = results.map((r: any) => r.average_quality);
    expect(qualities).toEqual([...qualities].sort((a: number, b: number) => b - a));
    expect(analysis.parameter_correlations.temperature_quality.n).toBe(18);
    expect(analysis.optimal_ranges).toHaveProperty('temperature');

    // The backing experiment shows the responses.
    const exp = await request(ctx.app)
      .get(`/api/experiments/${created.experiment_id}`)
      .set(user.headers)
      .expect(200);
    expect(exp.body.data.experiment).toMatchObject({ response_count: 18, status: 'completed' });
  });

  it('when a provider fails for one setting, then those cells are errors (not low scores) and retry_failed re-runs only them', async () => {
    provider.failWhen = (req) => req.parameters.temperature === 0.9;
    const announced: Array<Record<string, unknown>> = [];
    const unsubscribe = ctx.services.events.subscribe((event) => {
      if (event.type === 'combination_completed')
        announced.push(event.data as Record<string, unknown>);
    });
    const created = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.3, 0.9] } },
      iterations_per_combination: 2,
    });
    const done = await waitForBatch(ctx, user, created.id);
    unsubscribe();
    // Each combination is announced once, with how many of its iterations failed.
    expect(
      announced
        .map((data) => [
          (data.parameters as { temperature: number }).temperature,
          data.failed_iterations,
        ])
        .sort(),
    ).toEqual([
      [0.3, 0],
      [0.9, 2],
    ]);
    expect(done).toMatchObject({
      status: 'completed',
      completed_cells: 2,
      failed_cells: 2,
      failed_combinations: 1,
      completed_combinations: 1,
    });
    const res = await request(ctx.app)
      .get(`/api/batch-experiments/${created.id}/results`)
      .set(user.headers)
      .expect(200);
    const hot = res.body.data.results.find((r: any) => r.parameters.temperature === 0.9);
    expect(hot.average_quality).toBeNull();
    expect(hot.responses.map((r: any) => r.status)).toEqual(['failed', 'failed']);
    expect(hot.responses[0].error).toMatch(/simulated outage/);
    expect(hot.responses[0].quality).toBeNull();
    const before = await rowCounts(ctx, created.id);

    provider.failWhen = undefined;
    const callsBefore = provider.calls;
    await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'retry_failed' })
      .expect(200);
    const retried = await waitForBatch(ctx, user, created.id, (b) => b.status === 'completed');
    expect(retried).toMatchObject({ completed_cells: 4, failed_cells: 0 });
    expect(provider.calls - callsBefore).toBe(2);
    const after = await rowCounts(ctx, created.id);
    expect(after.total).toBe(before.total);

    await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'retry_failed' })
      .expect(409);
  });

  it('when every cell fails, then the batch is failed', async () => {
    provider.failWhen = () => true;
    const created = await createBatch(ctx, user, {
      parameter_ranges: { top_p: { values: [0.5, 0.6] } },
    });
    const done = await waitForBatch(ctx, user, created.id);
    provider.failWhen = undefined;
    expect(done).toMatchObject({ status: 'failed', failed_cells: 2, completed_cells: 0 });
  });

  it('when paused, in-flight cells finish and no new ones start; resume completes; stop is final', async () => {
    provider.hold();
    const created = await createBatch(ctx, user, {
      parameter_ranges: { max_tokens: { min: 100, max: 1200, step: 100 } },
    });
    expect(created.total_cells).toBe(12);
    const t0 = Date.now();
    while (provider.waiting === 0 && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 10));
    const inFlight = provider.waiting;
    const paused = await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'pause' })
      .expect(200);
    expect(paused.body.data.batch_experiment.status).toBe('paused');
    provider.release();
    await waitForIdle(ctx);
    const mid = await rowCounts(ctx, created.id);
    expect(mid.completed).toBeLessThan(12);
    expect(mid.completed).toBeLessThanOrEqual(inFlight + ctx.config.jobs.concurrency);
    await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'pause' })
      .expect(409);

    await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'resume' })
      .expect(200);
    const done = await waitForBatch(ctx, user, created.id);
    expect(done).toMatchObject({ status: 'completed', completed_cells: 12 });
    expect((await rowCounts(ctx, created.id)).total).toBe(12);
    await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'resume' })
      .expect(409);

    provider.hold();
    const second = await createBatch(ctx, user, {
      parameter_ranges: { max_tokens: { min: 100, max: 1200, step: 100 } },
    });
    const stopped = await request(ctx.app)
      .post(`/api/batch-experiments/${second.id}/control`)
      .set(user.headers)
      .send({ action: 'stop' })
      .expect(200);
    expect(stopped.body.data.batch_experiment.status).toBe('stopped');
    provider.release();
    await waitForIdle(ctx);
    const final = await waitForBatch(ctx, user, second.id);
    expect(final.status).toBe('stopped');
    expect(final.completed_cells).toBe((await rowCounts(ctx, second.id)).completed);
    expect(final.completed_cells).toBeLessThan(12);
    for (const action of ['resume', 'pause', 'stop']) {
      const res = await request(ctx.app)
        .post(`/api/batch-experiments/${second.id}/control`)
        .set(user.headers)
        .send({ action })
        .expect(409);
      expect(res.body.error.code).toBe('CONFLICT');
    }
  });

  it('when max_cost is reached, then the batch pauses with the reason stored', async () => {
    const created = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { min: 0, max: 1.9, step: 0.1 } },
      max_cost: 0.000001,
    });
    const paused = await waitForBatch(ctx, user, created.id, (b) => b.status === 'paused');
    await waitForIdle(ctx);
    const after = await waitForBatch(ctx, user, created.id, (b) => b.status === 'paused');
    expect(after.status_reason).toMatch(/Budget reached/);
    expect(after.spent_cost).toBeGreaterThanOrEqual(0.000001);
    expect(after.completed_cells).toBeLessThan(20);
    expect(after.completed_cells).toBe((await rowCounts(ctx, created.id)).completed);
    expect(paused.max_cost).toBe(0.000001);
    const res = await request(ctx.app)
      .post(`/api/batch-experiments/${created.id}/control`)
      .set(user.headers)
      .send({ action: 'resume' })
      .expect(409);
    expect(res.body.error.message).toMatch(/max_cost/);
  });
});

describe('batch cells scored by a failing judge', () => {
  let ctx: TestContext;
  let user: TestUser;
  const provider = new ControllableProvider();
  const prompt = 'Describe the water cycle for a ten-year-old';

  beforeAll(async () => {
    ctx = await createTestContext(
      { name: 'sqlite' },
      { QUALITY_METHOD: 'llm_judge', QUALITY_JUDGE_PROVIDER: 'mock', LLM_MAX_RETRIES: '0' },
      { providers: { mock: provider }, workers: true },
    );
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when the judge fails, then the cells are errors with the reason, never low scores', async () => {
    // Generations (the batch prompt) succeed; judge calls (any other prompt) fail.
    provider.failWhen = (req) => req.prompt !== prompt;
    const created = await createBatch(ctx, user, {
      prompt,
      parameter_ranges: { temperature: { values: [0.4, 0.8] } },
    });
    const done = await waitForBatch(ctx, user, created.id);
    expect(done).toMatchObject({ status: 'failed', failed_cells: 2, completed_cells: 0 });
    const res = await request(ctx.app)
      .get(`/api/batch-experiments/${created.id}/results`)
      .set(user.headers)
      .expect(200);
    for (const r of res.body.data.results) {
      expect(r.average_quality).toBeNull();
      expect(r.responses[0]).toMatchObject({ status: 'failed', quality: null });
      expect(r.responses[0].error).toMatch(/Quality scoring failed/);
    }
    expect(await ctx.db.models.QualityMetric.count()).toBe(0);
  });
});
