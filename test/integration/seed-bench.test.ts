import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBench, type SeedBenchResult } from '../../scripts/seed-bench-run.js';
import { insertStatement, literalsFor } from '../../scripts/seed-bench-sql.js';
import { BENCH_EMAIL, BENCH_PASSWORD } from '../../scripts/seed-bench-users.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const EXPERIMENTS = 20;
const RESPONSES = 500;
const END = new Date('2026-11-30T12:00:00.000Z');
// Small batches so even this small run spans many INSERT statements and transactions.
const OPTIONS = {
  experiments: EXPERIMENTS,
  responses: RESPONSES,
  seed: 7,
  end: END,
  batchRows: 97,
};

describe.each(testDatabaseKinds())('seed:bench on $name', (kind) => {
  let ctx: TestContext;
  let seeded: SeedBenchResult;

  const select = <T extends object>(sql: string) =>
    ctx.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const count = async (sql: string) => Number((await select<{ n: unknown }>(sql))[0]!.n);

  /** Aggregates that change if any seeded value changes (used to compare two runs). */
  const fingerprint = async () =>
    (
      await select<Record<string, unknown>>(
        `SELECT COUNT(*) AS n, SUM(r.token_count) AS tokens, SUM(r.iteration) AS iterations,
                SUM(q.overall_quality) AS quality, SUM(LENGTH(r.content)) AS chars
           FROM responses r LEFT JOIN quality_metrics q ON q.response_id = r.id`,
      )
    ).map((row) =>
      // Rounded: a float SUM depends on scan order, which a re-insert may change.
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, Math.round(Number(v) * 1e6) / 1e6]),
      ),
    )[0];

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    seeded = await seedBench(ctx.db, { ...OPTIONS, reset: false });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('when seeded, then the counts reported match the rows stored', async () => {
    expect(seeded.experiments).toBe(EXPERIMENTS);
    expect(seeded.responses).toBe(RESPONSES);
    expect(await count('SELECT COUNT(*) AS n FROM experiments')).toBe(EXPERIMENTS);
    expect(await count('SELECT COUNT(*) AS n FROM responses')).toBe(RESPONSES);
    expect(await count(`SELECT COUNT(*) AS n FROM responses WHERE status = 'failed'`)).toBe(
      seeded.failedResponses,
    );
    expect(await count('SELECT COUNT(*) AS n FROM quality_metrics')).toBe(seeded.metrics);
    // Most responses are scored; failures exist but are a small minority.
    expect(seeded.metrics).toBeGreaterThan(RESPONSES * 0.85);
    expect(seeded.failedResponses).toBeGreaterThan(0);
    expect(seeded.failedResponses).toBeLessThan(RESPONSES * 0.15);
  });

  it('when seeded, then every response belongs to a bench experiment with the same model', async () => {
    const inconsistent = await count(
      `SELECT COUNT(*) AS n FROM responses r
         LEFT JOIN experiments e ON e.id = r.experiment_id
        WHERE e.id IS NULL OR e.user_id NOT IN (${seeded.benchUserId}, ${seeded.otherUserId})
           OR e.model <> r.model OR e.provider <> r.provider`,
    );
    expect(inconsistent).toBe(0);
    const owners = await select<{ user_id: unknown }>(
      'SELECT DISTINCT user_id FROM experiments ORDER BY user_id',
    );
    expect(owners.map((o) => Number(o.user_id))).toEqual(
      [seeded.benchUserId, seeded.otherUserId].sort((a, b) => a - b),
    );
  });

  it('when seeded, then scored responses have every dimension and failed ones no metrics', async () => {
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM quality_metrics q JOIN responses r ON r.id = q.response_id
          WHERE r.status <> 'completed'`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM quality_metrics
          WHERE overall_quality IS NULL OR coherence_score IS NULL OR creativity_score IS NULL
             OR readability_score IS NULL OR completeness_score IS NULL
             OR factual_accuracy IS NULL OR relevance_score IS NULL
             OR engagement_score IS NULL OR technical_depth IS NULL
             OR overall_quality < 0 OR overall_quality > 100`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM responses
          WHERE created_at < ${kind.name === 'sqlite' ? "'2026-09-01'" : "'2026-09-01T00:00:00Z'"}`,
      ),
    ).toBe(0); // 90 days before END is 2026-09-01 12:00
  });

  it('when the API is called with the written API key or the known password, then it serves the data', async () => {
    const owned = await count(
      `SELECT COUNT(*) AS n FROM experiments WHERE user_id = ${seeded.benchUserId}`,
    );
    const list = await request(ctx.app)
      .get('/api/experiments')
      .set('X-API-Key', seeded.apiKey)
      .expect(200);
    expect(list.body.data.pagination.total_items).toBe(owned);

    const [busiest] = await select<{ id: unknown; n: unknown }>(
      `SELECT e.id AS id, COUNT(*) AS n FROM experiments e JOIN responses r ON r.experiment_id = e.id
        WHERE e.user_id = ${seeded.benchUserId} GROUP BY e.id ORDER BY COUNT(*) DESC, e.id LIMIT 1`,
    );
    const responses = await request(ctx.app)
      .get(`/api/experiments/${Number(busiest!.id)}/responses`)
      .set('X-API-Key', seeded.apiKey)
      .expect(200);
    expect(responses.body.data.pagination.total_items).toBe(Number(busiest!.n));

    await request(ctx.app)
      .post('/api/auth/login')
      .send({ email: BENCH_EMAIL, password: BENCH_PASSWORD })
      .expect(200);
  });

  it('when the app creates rows after seeding, then the id sequences continue past the seed', async () => {
    const created = await request(ctx.app)
      .post('/api/experiments')
      .set('X-API-Key', seeded.apiKey)
      .send({ name: 'after the seed', prompt: 'Hello' })
      .expect(201);
    expect(created.body.data.experiment.id).toBeGreaterThan(EXPERIMENTS);
    const response = await ctx.db.models.Response.create({
      experiment_id: created.body.data.experiment.id,
      content: 'x',
      status: 'completed',
    });
    expect(response.get('id')).toBeGreaterThan(RESPONSES);
  });

  it('when re-run with --reset and the same seed, then the bench data is replaced by identical data', async () => {
    const before = await fingerprint();
    // Drop the row made by the previous test so both fingerprints cover seeded rows only.
    await ctx.db.models.Response.destroy({ where: { content: 'x' } });
    const beforeSeeded = await fingerprint();
    expect(beforeSeeded!.n).toBe(before!.n! - 1);

    const again = await seedBench(ctx.db, { ...OPTIONS, reset: true });
    expect(again.responses).toBe(RESPONSES);
    expect(again.failedResponses).toBe(seeded.failedResponses);
    expect(again.metrics).toBe(seeded.metrics);
    expect(await count('SELECT COUNT(*) AS n FROM experiments')).toBe(EXPERIMENTS);
    expect(await fingerprint()).toEqual(beforeSeeded);
    // The old API key was replaced by the new one.
    await request(ctx.app).get('/api/experiments').set('X-API-Key', seeded.apiKey).expect(401);
    await request(ctx.app).get('/api/experiments').set('X-API-Key', again.apiKey).expect(200);
  }, 60_000);

  it('when literals hold quotes, backslashes, newlines and emoji, then they round-trip exactly', async () => {
    const lit = literalsFor(ctx.db.dialect);
    const name = `O'Brien \\ "quoted" \\' ; -- é 🙂\nline two`;
    const tags = [`it's`, 'back\\slash', '"dq"'];
    const createdAt = new Date('2026-07-14T09:08:07.654Z');
    await ctx.db.sequelize.query(
      insertStatement(
        ctx.db.dialect,
        'experiments',
        [
          'id',
          'name',
          'prompt',
          'model',
          'parameters',
          'status',
          'response_count',
          'tags',
          'created_at',
          'updated_at',
        ],
        [
          [
            lit.num(900_001),
            lit.text(name),
            lit.text('p'),
            lit.text('m'),
            lit.json({ temperature: 0.7 }),
            lit.text('pending'),
            lit.num(0),
            lit.json(tags),
            lit.date(createdAt),
            lit.date(createdAt),
          ],
        ],
      ),
    );
    const row = (await ctx.db.models.Experiment.findByPk(900_001))!.get({ plain: true });
    expect(row.name).toBe(name);
    const storedTags = typeof row.tags === 'string' ? JSON.parse(row.tags) : row.tags;
    expect(storedTags).toEqual(tags);
    expect(new Date(row.created_at).toISOString()).toBe(createdAt.toISOString());
    await ctx.db.models.Experiment.destroy({ where: { id: 900_001 } });
  });
});
