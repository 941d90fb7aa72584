import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { SYSTEM_SCOPE } from '../../src/lib/auth-context.js';
import { MemoryCache } from '../../src/lib/cache.js';
import { createLogger } from '../../src/lib/logger.js';
import { AnalyticsCache } from '../../src/modules/analytics/analytics-cache.js';
import { AnalyticsRepository } from '../../src/modules/analytics/analytics.repository.js';
import { AnalyticsService } from '../../src/modules/analytics/analytics.service.js';
import { DashboardRepository } from '../../src/modules/analytics/dashboard.repository.js';
import { ControllableProvider, createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponseWithMetrics,
  type TestUser,
} from '../helpers/factories.js';
import { sleep } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Every analytics query whose answer comes from the rollups, with windows that start and end
 * mid-day (raw edge days), at midnight, and none at all.
 */
function queries(): string[] {
  const midDay = new Date(Date.now() - 3 * DAY - 5 * HOUR).toISOString();
  const midnight = new Date(Math.floor((Date.now() - 10 * DAY) / DAY) * DAY).toISOString();
  const yesterday = new Date(Date.now() - DAY + 7 * HOUR).toISOString();
  return [
    '/api/analytics/dashboard?period=24h',
    '/api/analytics/dashboard?period=7d',
    '/api/analytics/dashboard',
    '/api/analytics/dashboard?period=90d&models=model-a,model-b',
    '/api/analytics/dashboard?period=all&experiment_types=tagged',
    '/api/analytics/parameter-analysis?parameter=temperature',
    '/api/analytics/parameter-analysis?parameter=top_p&model=model-a',
    `/api/analytics/parameter-analysis?parameter=temperature&date_from=${midDay}&date_to=${yesterday}`,
    `/api/analytics/parameter-analysis?parameter=max_tokens&date_from=${midnight}`,
    '/api/analytics/model-comparison',
    `/api/analytics/model-comparison?date_from=${midDay}`,
    '/api/analytics/parameter-curve?parameter=temperature&metric=creativity',
  ];
}

/** Decimal places of a number as JSON prints it (0.125 → 3). */
const decimals = (v: number) => (String(v).split('.')[1] ?? '').length;

/**
 * Deep equality, where numbers may differ only as floating-point summation order makes them:
 * the rollups add per-group sums, the raw query adds rows, so an unrounded value may differ
 * in its last bits (≤ 1e-9 relative) and a value the API rounds that lies exactly on a
 * rounding boundary (mean 0.6625 → 0.663 or 0.662) may differ by one unit in its last place.
 */
function expectSameNumbers(actual: unknown, expected: unknown, path: string): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const diff = Math.abs(actual - expected);
    const places = Math.max(decimals(actual), decimals(expected));
    const close =
      diff <= 1e-9 * Math.max(1, Math.abs(actual), Math.abs(expected)) ||
      (places <= 6 && diff <= 10 ** -places + 1e-12);
    expect(close, `${path}: ${actual} vs ${expected}`).toBe(true);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((v, i) => expectSameNumbers((actual as unknown[])[i], v, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', path).toBe(true);
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) {
      expectSameNumbers((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

describe.each(testDatabaseKinds())('analytics rollups on $name', (kind) => {
  let ctx: TestContext;
  let raw: Express;
  let owner: TestUser;
  let other: TestUser;
  let admin: TestUser;
  const provider = new ControllableProvider();

  beforeAll(async () => {
    ctx = await createTestContext(kind, {}, { providers: { mock: provider }, workers: true });
    // The same app answering from raw rows only: the reference every rollup answer must equal.
    const reference = new AnalyticsService(
      new AnalyticsRepository(ctx.db, { rollups: false }),
      new DashboardRepository(ctx.db, { rollups: false }),
      new AnalyticsCache(new MemoryCache(), 60),
    );
    raw = createApp({
      config: ctx.config,
      db: ctx.db,
      logger: createLogger('silent'),
      services: { ...ctx.services, analytics: reference },
    });
    owner = await createUser(ctx);
    other = await createUser(ctx);
    admin = await createUser(ctx, { role: 'admin' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const dirty = async () =>
    (
      (await ctx.db.sequelize.query('SELECT experiment_id FROM analytics_dirty_experiments', {
        plain: false,
        raw: true,
      })) as [{ experiment_id: number }[], unknown]
    )[0]
      .map((r) => Number(r.experiment_id))
      .sort((a, b) => a - b);

  const dirtyDays = async () =>
    (
      (await ctx.db.sequelize.query('SELECT user_id, day FROM analytics_dirty_user_days', {
        plain: false,
        raw: true,
      })) as [{ user_id: number; day: string }[], unknown]
    )[0].map((r) => `${r.user_id}:${r.day}`);

  /** Every query, for owner, other user and admin (or `users`): rollup answers equal the raw ones. */
  async function expectRollupsEqualRaw(users = [owner, other, admin]): Promise<void> {
    for (const user of users) {
      for (const path of queries()) {
        const fromRollups = await request(ctx.app)
          .get(path)
          .set(user.headers)
          .set('Cache-Control', 'no-cache');
        const fromRaw = await request(raw)
          .get(path)
          .set(user.headers)
          .set('Cache-Control', 'no-cache');
        expect(fromRollups.status, `${path}: ${JSON.stringify(fromRollups.body)}`).toBe(200);
        expect(fromRaw.status).toBe(200);
        expectSameNumbers(fromRollups.body.data, fromRaw.body.data, `${path} as user ${user.id}`);
      }
    }
  }

  async function seed(user: TestUser, tags: string[] = []) {
    const experiment = await createExperiment(ctx, user, { tags });
    const spots: [number, string, number | null, Record<string, number>][] = [
      // [hours ago, model, quality (null: unscored), parameters]
      [1, 'model-a', 82, { temperature: 0.7, top_p: 1, max_tokens: 500 }],
      [5, 'model-b', 64, { temperature: 1.2, top_p: 0.5, max_tokens: 200 }],
      [23, 'model-a', 75, { temperature: 0.3, top_p: 0.9, max_tokens: 500 }],
      [26, 'model-b', null, { temperature: 0.7 }],
      [3 * 24 + 2, 'model-a', 91, { temperature: 0.75, top_p: 0.95, max_tokens: 800 }],
      [3 * 24 + 9, 'model-c', 55, { temperature: 1.6, top_p: 0.4, max_tokens: 100 }],
      [8 * 24, 'model-a', 70, { temperature: 0.5, top_p: 1, max_tokens: 300 }],
      [20 * 24 + 13, 'model-b', 60, { temperature: 0.9, top_p: 0.8, max_tokens: 300 }],
      [45 * 24, 'model-c', 40, { temperature: 1.9, top_p: 0.3, max_tokens: 50 }],
      [100 * 24, 'model-a', 88, { temperature: 0.6, top_p: 1, max_tokens: 1000 }],
    ];
    for (const [hours, model, quality, parameters] of spots) {
      await insertResponseWithMetrics(ctx, experiment.id, {
        content: 'A response with some words in it.',
        parameters,
        model,
        cost: 0.0001 * (hours % 7) + 0.001,
        // Multiples of 1/8: sums are exact in binary, so means never sit on a rounding edge.
        responseTime: 0.5 + (hours % 5) / 8,
        createdAt: new Date(Date.now() - hours * HOUR),
        ...(quality === null
          ? {}
          : {
              metrics: {
                overall_quality: quality,
                creativity_score: quality - 5,
                coherence_score: 100 - quality / 2,
              },
            }),
      });
    }
    await insertResponseWithMetrics(ctx, experiment.id, {
      content: '',
      parameters: { temperature: 0.7 },
      status: 'failed',
      model: 'model-a',
      createdAt: new Date(Date.now() - 2 * HOUR),
    });
    return experiment;
  }

  it('when data spans edge days, models, tags and users, then every rollup-backed answer equals the raw-row answer, and after each kind of write too', async () => {
    const tagged = await seed(owner, ['tagged']);
    const plain = await seed(owner);
    await seed(other, ['tagged']);
    expect(await dirty()).toEqual(expect.arrayContaining([tagged.id, plain.id]));
    await expectRollupsEqualRaw();
    expect(await dirty()).toEqual([]);

    // Generation through the API.
    await request(ctx.app)
      .post('/api/responses/generate')
      .set(owner.headers)
      .send({ experiment_id: plain.id, count: 2 })
      .expect(200);
    expect(await dirty()).toContain(plain.id);
    await expectRollupsEqualRaw([owner, admin]);

    // Batch cells stored by the workers.
    const batch = await createBatch(ctx, owner, {
      parameter_ranges: { temperature: { values: [0.2, 1.4] } },
      iterations_per_combination: 2,
    });
    const done = await waitForBatch(ctx, owner, batch.id);
    expect(done.status).toBe('completed');
    expect(await dirty()).toContain(done.experiment_id);
    await expectRollupsEqualRaw([owner, admin]);

    // Rescoring replaces the scores of every completed response.
    const before = await ctx.db.models.QualityMetric.count();
    await request(ctx.app)
      .post(`/api/experiments/${tagged.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'heuristic' })
      .expect(202);
    for (let i = 0; i < 400 && (await dirty()).length === 0; i += 1) await sleep(25);
    await waitForRescore(tagged.id);
    expect(await ctx.db.models.QualityMetric.count()).toBeGreaterThanOrEqual(before);
    await expectRollupsEqualRaw([owner, admin]);

    // A response deleted directly, a score edited directly.
    const victim = await ctx.db.models.Response.findOne({ where: { experiment_id: plain.id } });
    await victim!.destroy();
    await ctx.db.models.QualityMetric.update(
      { overall_quality: 12 },
      {
        where: {
          response_id: (await ctx.db.models.Response.findOne({
            where: { experiment_id: tagged.id, status: 'completed' },
          }))!.get('id') as number,
        },
      },
    );
    expect(await dirty()).toEqual(expect.arrayContaining([tagged.id, plain.id]));
    await expectRollupsEqualRaw([owner, admin]);

    // Deleting an experiment through the API removes its rollups with it.
    await request(ctx.app).delete(`/api/experiments/${tagged.id}`).set(owner.headers).expect(200);
    // Its per-user parameter sums are recomputed without it, day by day.
    expect((await dirtyDays()).length).toBeGreaterThan(0);
    const [left] = (await ctx.db.sequelize.query(
      `SELECT COUNT(*) AS n FROM analytics_rollups WHERE experiment_id = ${Number(tagged.id)}`,
    )) as [{ n: unknown }[], unknown];
    expect(Number(left[0]!.n)).toBe(0);
    await expectRollupsEqualRaw();
    expect(await dirtyDays()).toEqual([]);
  }, 120_000);

  async function waitForRescore(experimentId: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = (await ctx.db.sequelize.query(
        `SELECT q.calculation_method AS m FROM quality_metrics q JOIN responses r ON r.id = q.response_id
          WHERE r.experiment_id = ${Number(experimentId)} AND r.status = 'completed'`,
        { plain: false, raw: true },
      )) as [{ m: string }[], unknown];
      const completed = await ctx.db.models.Response.count({
        where: { experiment_id: experimentId, status: 'completed' },
      });
      if (
        rows[0].length === completed &&
        (await ctx.services.jobs.counts('score-response')).active === 0
      ) {
        const counts = await ctx.services.jobs.counts('score-response');
        if (counts.waiting === 0 && counts.delayed === 0) return;
      }
      if (Date.now() > deadline) throw new Error('rescore did not finish');
      await sleep(30);
    }
  }

  it("when a user reads analytics, then only that user's dirty experiments are rebuilt; an admin's read rebuilds the rest", async () => {
    const mine = await seed(owner);
    const theirs = await seed(other);
    expect(await dirty()).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    await request(ctx.app)
      .get('/api/analytics/dashboard')
      .set(owner.headers)
      .set('Cache-Control', 'no-cache')
      .expect(200);
    const afterOwner = await dirty();
    expect(afterOwner).not.toContain(mine.id);
    expect(afterOwner).toContain(theirs.id);
    await request(ctx.app)
      .get('/api/analytics/model-comparison')
      .set(admin.headers)
      .set('Cache-Control', 'no-cache')
      .expect(200);
    expect(await dirty()).toEqual([]);
  });

  it('when every rollup row is lost and all experiments are marked dirty (the migration backfill), then the first read rebuilds answers equal to the raw ones', async () => {
    await seed(owner, ['tagged']);
    await ctx.db.sequelize.query('DELETE FROM analytics_rollups');
    await ctx.db.sequelize.query('DELETE FROM analytics_parameter_rollups');
    await ctx.db.sequelize.query('DELETE FROM analytics_parameter_user_rollups');
    const rollups = new AnalyticsRepository(ctx.db).rollups;
    await rollups.markAll();
    expect((await dirty()).length).toBeGreaterThan(0);
    await expectRollupsEqualRaw();
    expect(await dirty()).toEqual([]);
    expect(await dirtyDays()).toEqual([]);
    // An explicit rebuild of clean experiments changes nothing.
    await rollups.rebuild(await rollups.dirtyExperiments(SYSTEM_SCOPE));
    await expectRollupsEqualRaw();
  });
});
