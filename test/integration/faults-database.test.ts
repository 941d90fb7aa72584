import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { sleep } from '../helpers/jobs-helpers.js';
import {
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 2: PostgreSQL goes away under load and comes back. A cluster of the test's own
 * (the shared one stays up for everyone else) is crashed with `pg_ctl stop -m immediate` while
 * clients create experiments, generate responses and a sweep runs. While it is down every
 * request that needs it gets 503 DATABASE_ERROR in the spec's envelope and health says
 * DEGRADED; after a restart the same app object serves again by itself, the sweep finishes
 * with every cell exactly once and no row is half-written.
 */
const available = postgresBinDir() !== undefined;

describe.skipIf(!available && !process.env.CI)('PostgreSQL going away mid-load', () => {
  let pg: ThrowawayPostgres;
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    ctx = await createTestContext(
      { name: 'postgres', baseUrl: pg.url },
      // ~100 ms per mock answer: the sweep is still running when the database stops.
      { MOCK_LATENCY_MS: '60', QUALITY_AUTO_SCORE: 'false' },
      { workers: true },
    );
    user = await createUser(ctx);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await pg?.destroy();
  });

  /** Clients that keep creating experiments and generating responses; records every answer. */
  function startLoad() {
    const statuses: number[] = [];
    const created: number[] = [];
    const failures: string[] = [];
    let running = true;
    const client = async (n: number) => {
      while (running) {
        const made = await request(ctx.app)
          .post('/api/experiments')
          .set(user.headers)
          .send({ name: `load ${n}`, prompt: 'Explain queues', model: 'mock-fast' });
        statuses.push(made.status);
        if (made.status === 500) failures.push(`create ${made.text}`);
        if (made.status === 201) {
          created.push(made.body.data.experiment.id);
          const generated = await request(ctx.app)
            .post('/api/responses/generate')
            .set(user.headers)
            .send({ experiment_id: made.body.data.experiment.id, count: 2 });
          statuses.push(generated.status);
          if (generated.status === 500) failures.push(`generate ${generated.text}`);
        }
        const listed = await request(ctx.app).get('/api/experiments?limit=5').set(user.headers);
        statuses.push(listed.status);
        if (listed.status === 500) failures.push(`list ${listed.text}`);
        await sleep(10);
      }
    };
    const clients = Promise.all([1, 2, 3].map(client));
    return {
      statuses,
      created,
      failures,
      stop: async () => {
        running = false;
        await clients;
      },
    };
  }

  async function untilAnswered(url: string, status: number, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await request(ctx.app).get(url).set(user.headers);
      if (res.status === status) return res;
      if (Date.now() > deadline) throw new Error(`${url} still ${res.status}: ${res.text}`);
      await sleep(100);
    }
  }

  it('when PostgreSQL crashes mid-load, then 503 DATABASE_ERROR and DEGRADED health while down, automatic recovery after restart, and no half-written or duplicated rows', async () => {
    const batch = await createBatch(ctx, user, {
      model: 'mock-fast',
      parameter_ranges: { temperature: { values: [0.1, 0.3, 0.5, 0.7, 0.9, 1.1] } },
      iterations_per_combination: 10,
    });
    const load = startLoad();
    await sleep(400);

    const cellsBefore = await ctx.db.models.Response.count({
      where: { batch_experiment_id: batch.id },
    });
    await pg.stop('immediate');
    const whileDown = load.statuses.length;
    const list = await untilAnswered('/api/experiments', 503, 10_000);
    const create = await request(ctx.app)
      .post('/api/experiments')
      .set(user.headers)
      .send({ name: 'x', prompt: 'y' });
    const health = await request(ctx.app).get('/api/health');
    await sleep(300);

    for (const res of [list, create]) {
      expect(res.status, res.text).toBe(503);
      expect(res.body).toMatchObject({
        success: false,
        error: {
          code: 'DATABASE_ERROR',
          message: expect.any(String),
          request_id: expect.any(String),
          timestamp: expect.any(String),
        },
      });
    }
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'DEGRADED',
      services: { database: 'Disconnected' },
    });
    expect(load.statuses.slice(whileDown)).toContain(503);

    await pg.start();
    await untilAnswered('/api/experiments', 200, 20_000);
    const healthy = await request(ctx.app).get('/api/health');
    expect(healthy.body).toMatchObject({ status: 'OK', services: { database: 'Connected' } });
    await sleep(300);
    await load.stop();

    // Only the answers the spec allows, before, during and after: never a 500.
    expect(new Set(load.statuses)).toEqual(
      new Set([200, 201, 502, 503].filter((s) => load.statuses.includes(s))),
    );
    expect(load.failures).toEqual([]);
    const done = await waitForBatch(ctx, user, batch.id, undefined, 60_000);
    expect(done.status).toBe('completed');
    const [cells] = await ctx.db.sequelize.query(
      `SELECT combination_id, iteration, COUNT(*) AS n FROM responses WHERE batch_experiment_id = ${batch.id} GROUP BY combination_id, iteration`,
    );
    expect(cellsBefore).toBeLessThan(60);
    expect(cells).toHaveLength(60);
    expect((cells as { n: number | string }[]).every((c) => Number(c.n) === 1)).toBe(true);
    const [orphans] = await ctx.db.sequelize.query(
      `SELECT (SELECT COUNT(*) FROM responses r LEFT JOIN experiments e ON e.id = r.experiment_id WHERE e.id IS NULL) AS responses,
              (SELECT COUNT(*) FROM quality_metrics q LEFT JOIN responses r ON r.id = q.response_id WHERE r.id IS NULL) AS metrics`,
    );
    expect(orphans).toEqual([{ responses: '0', metrics: '0' }]);
    const stored = await ctx.db.models.Experiment.count({ where: { id: load.created } });
    expect(stored).toBe(load.created.length);
  }, 90_000);
});
