import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  binaryParser,
  bodyBytes,
  readCsv,
  readXlsx,
  readZip,
  sheetObjects,
} from '../helpers/export-readers.js';
import {
  createExperiment,
  createUser,
  insertResponseWithMetrics,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const today = () => new Date().toISOString().slice(0, 10);

describe.each(testDatabaseKinds())('batch and sweep exports on $name', (kind) => {
  let ctx: TestContext;
  let owner: TestUser;
  let other: TestUser;
  let a: Record<string, any>;
  let b: Record<string, any>;
  let c: Record<string, any>;
  let foreign: Record<string, any>;
  const responseIds: Record<string, number[]> = {};

  beforeAll(async () => {
    ctx = await createTestContext(kind, {}, { workers: true });
    owner = await createUser(ctx);
    other = await createUser(ctx);
    a = await createExperiment(ctx, owner, { name: 'Creative Writing' });
    b = await createExperiment(ctx, owner, { name: 'Technical Docs' });
    c = await createExperiment(ctx, owner, { name: 'Empty one' });
    foreign = await createExperiment(ctx, other, { name: 'Not yours' });
    const params = { temperature: 0.7, top_p: 1 };
    responseIds.a = [
      await insertResponseWithMetrics(ctx, a.id, {
        content: 'A first',
        parameters: params,
        metrics: { overall_quality: 80, coherence_score: 70 },
        cost: 0.0125,
        tokens: 120,
        responseTime: 1.5,
      }),
      await insertResponseWithMetrics(ctx, a.id, {
        content: 'A second',
        parameters: params,
        metrics: { overall_quality: 90, coherence_score: 88.5 },
        cost: 0.02,
        tokens: 200,
        responseTime: 2.25,
      }),
      await insertResponseWithMetrics(ctx, a.id, {
        content: 'A third, unscored',
        parameters: params,
        cost: 0.005,
        tokens: 50,
        responseTime: 0.75,
      }),
    ];
    responseIds.b = [
      await insertResponseWithMetrics(ctx, b.id, {
        content: 'B first',
        parameters: params,
        metrics: { overall_quality: 60, coherence_score: 95 },
        cost: 0.01,
        tokens: 100,
        responseTime: 1,
      }),
      await insertResponseWithMetrics(ctx, b.id, {
        content: 'B second',
        parameters: params,
        metrics: { overall_quality: 70, coherence_score: 97 },
        cost: 0.01,
        tokens: 100,
        responseTime: 3,
      }),
    ];
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const postBatch = (body: Record<string, unknown>, user = owner) =>
    request(ctx.app)
      .post('/api/export/batch')
      .set(user.headers)
      .send(body)
      .buffer(true)
      .parse(binaryParser);

  it('when several experiments are exported as CSV with analysis, then the zip holds a file per experiment and the statistics', async () => {
    const res = await postBatch({
      experiment_ids: [a.id, b.id, c.id],
      format: 'csv',
      include_analysis: true,
      compression: 'zip',
    }).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="experiments-export-${today()}.zip"`,
    );
    const files = await readZip(bodyBytes(res));
    expect([...files.keys()]).toEqual([
      `creative-writing-${a.id}.csv`,
      `technical-docs-${b.id}.csv`,
      `empty-one-${c.id}.csv`,
      'analysis.csv',
    ]);
    const csvA = readCsv(files.get(`creative-writing-${a.id}.csv`)!);
    expect(csvA.rows.map((r) => Number(r.id))).toEqual(responseIds.a);
    expect(csvA.rows.map((r) => r.content)).toEqual(['A first', 'A second', 'A third, unscored']);
    expect(csvA.rows.map((r) => r.overall_quality)).toEqual(['80', '90', '']);
    const csvB = readCsv(files.get(`technical-docs-${b.id}.csv`)!);
    expect(csvB.rows.map((r) => r.coherence_score)).toEqual(['95', '97']);
    expect(readCsv(files.get(`empty-one-${c.id}.csv`)!).rows).toEqual([]);

    const analysis = readCsv(files.get('analysis.csv')!).rows;
    expect(analysis.map((r) => Number(r.experiment_id))).toEqual([a.id, b.id, c.id]);
    // A: quality {80, 90}; B: {60, 70}. Sample sd of two values 10 apart = √50 = 7.07.
    expect(analysis[0]).toMatchObject({
      quality_rank: '1',
      average_quality: '85',
      gap_to_best: '0',
      quality_std_dev: '7.07',
      best_quality: '90',
      worst_quality: '80',
      total_responses: '3',
      scored_responses: '2',
      total_cost: '0.0375',
      total_tokens: '370',
      average_response_time: '1.5',
      // 0.0375 / (2 × 85)
      cost_per_quality_point: '0.00022059',
      mean_coherence_score: '79.25',
    });
    expect(analysis[1]).toMatchObject({
      quality_rank: '2',
      average_quality: '65',
      gap_to_best: '20',
      total_cost: '0.02',
      average_response_time: '2',
      cost_per_quality_point: '0.00015385',
      mean_coherence_score: '96',
    });
    expect(analysis[2]).toMatchObject({
      total_responses: '0',
      average_quality: '',
      quality_rank: '',
    });
  });

  it('when exported as JSON, then each entry is the single-experiment document and analysis.json compares them', async () => {
    const res = await postBatch({
      experiment_ids: [b.id, a.id],
      format: 'json',
      include_analysis: true,
    }).expect(200);
    const files = await readZip(bodyBytes(res));
    const docB = JSON.parse(files.get(`technical-docs-${b.id}.json`)!.toString('utf8'));
    expect(docB.data.experiment).toMatchObject({ id: b.id, name: 'Technical Docs' });
    expect(docB.data.responses.map((r: any) => r.id)).toEqual(responseIds.b);
    const analysis = JSON.parse(files.get('analysis.json')!.toString('utf8'));
    expect(analysis.comparison).toMatchObject({
      best_overall: { experiment_id: a.id, average_quality: 85 },
      lowest_cost: { experiment_id: b.id, total_cost: 0.02 },
      fastest: { experiment_id: a.id, average_response_time: 1.5 },
      quality_spread: 20,
    });
    expect(analysis.comparison.best_by_metric.coherence_score).toEqual({
      experiment_id: b.id,
      mean: 96,
    });
  });

  it('when exported as XLSX, then every workbook in the zip opens with typed cells', async () => {
    const res = await postBatch({
      experiment_ids: [a.id, b.id],
      format: 'xlsx',
      include_analysis: true,
    }).expect(200);
    const files = await readZip(bodyBytes(res));
    expect([...files.keys()]).toEqual([
      `creative-writing-${a.id}.xlsx`,
      `technical-docs-${b.id}.xlsx`,
      'analysis.xlsx',
    ]);
    const sheetsA = await readXlsx(files.get(`creative-writing-${a.id}.xlsx`)!);
    const rowsA = sheetObjects(sheetsA[1]!);
    expect(rowsA.map((r) => r.id)).toEqual(responseIds.a);
    expect(rowsA.map((r) => r.cost)).toEqual([0.0125, 0.02, 0.005]);
    const analysis = await readXlsx(files.get('analysis.xlsx')!);
    expect(analysis.map((s) => s.name)).toEqual(['Experiments', 'Comparison']);
    expect(sheetObjects(analysis[0]!).map((r) => r.average_quality)).toEqual([85, 65]);
  });

  it('when one id is foreign or unknown, then 404 for the whole request and no archive byte is sent', async () => {
    const res = await request(ctx.app)
      .post('/api/export/batch')
      .set(owner.headers)
      .send({ experiment_ids: [a.id, foreign.id], format: 'csv' })
      .expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND', message: `Experiment ${foreign.id} not found` },
    });
    const two = await request(ctx.app)
      .post('/api/export/batch')
      .set(owner.headers)
      .send({ experiment_ids: [999998, a.id, 999999] })
      .expect(404);
    expect(two.body.error.message).toBe('Experiments 999998, 999999 not found');

    // An admin may bundle anyone's experiments.
    const admin = await createUser(ctx, { role: 'admin' });
    const ok = await postBatch({ experiment_ids: [a.id, foreign.id] }, admin).expect(200);
    expect([...(await readZip(bodyBytes(ok))).keys()]).toEqual([
      `creative-writing-${a.id}.json`,
      `not-yours-${foreign.id}.json`,
    ]);
  });

  it('when the body asks for too many ids, no ids or another compression, then 400 explains the limit', async () => {
    const many = await request(ctx.app)
      .post('/api/export/batch')
      .set(owner.headers)
      .send({ experiment_ids: Array.from({ length: 51 }, (_v, i) => i + 1) })
      .expect(400);
    expect(JSON.stringify(many.body.error)).toContain('At most 50 experiments');
    await request(ctx.app)
      .post('/api/export/batch')
      .set(owner.headers)
      .send({ experiment_ids: [] })
      .expect(400);
    const gzip = await request(ctx.app)
      .post('/api/export/batch')
      .set(owner.headers)
      .send({ experiment_ids: [a.id], compression: 'gzip' })
      .expect(400);
    expect(gzip.body.error.message).toContain('Only "zip" is supported');
  });

  it('when a batch sweep is exported, then every combination appears with statistics that match its stored cells', async () => {
    const batch = await createBatch(ctx, owner, {
      name: 'Temperature sweep',
      parameter_ranges: { temperature: { values: [0.2, 1] } },
      iterations_per_combination: 2,
    });
    await waitForBatch(ctx, owner, batch.id);
    const cells = (
      await ctx.db.models.Response.findAll({
        where: { batch_experiment_id: batch.id },
        include: [{ model: ctx.db.models.QualityMetric, as: 'quality_metrics' }],
        order: [['id', 'ASC']],
      })
    ).map((r) => r.get({ plain: true }) as any);
    expect(cells).toHaveLength(4);
    const expectedMean = (combination: number) => {
      const q = cells
        .filter((cell) => cell.combination_id === combination)
        .map((cell) => Number(cell.quality_metrics.overall_quality));
      return Math.round(((q[0]! + q[1]!) / 2) * 100) / 100;
    };

    const json = await request(ctx.app)
      .get(`/api/export/batch-experiments/${batch.id}?format=json`)
      .set(owner.headers)
      .expect(200);
    expect(json.headers['content-disposition']).toBe(
      `attachment; filename="temperature-sweep-${today()}.json"`,
    );
    const data = json.body.data;
    expect(data.batch_experiment).toMatchObject({ id: batch.id, status: 'completed' });
    expect(
      data.results.map((r: any) => [r.combination_id, r.parameters, r.average_quality]),
    ).toEqual([
      [1, { temperature: 0.2 }, expectedMean(1)],
      [2, { temperature: 1 }, expectedMean(2)],
    ]);
    const api = await request(ctx.app)
      .get(`/api/batch-experiments/${batch.id}/results`)
      .set(owner.headers)
      .expect(200);
    expect(data.results).toEqual(api.body.data.results);

    const csv = await request(ctx.app)
      .get(`/api/export/batch-experiments/${batch.id}?format=csv`)
      .set(owner.headers)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const rows = readCsv(bodyBytes(csv)).rows;
    expect(
      rows.map((r) => [r.combination_id, r['parameters.temperature'], Number(r.average_quality)]),
    ).toEqual([
      ['1', '0.2', expectedMean(1)],
      ['2', '1', expectedMean(2)],
    ]);
    expect(rows.map((r) => r.n)).toEqual(['2', '2']);

    const xlsx = await request(ctx.app)
      .get(`/api/export/batch-experiments/${batch.id}?format=xlsx`)
      .set(owner.headers)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const sheets = await readXlsx(bodyBytes(xlsx));
    expect(sheets.map((s) => s.name)).toEqual(['Batch summary', 'Combinations', 'Iterations']);
    const iterations = sheetObjects(sheets[2]!);
    expect(iterations.map((r) => r.response_id).sort()).toEqual(
      cells.map((cell) => cell.id).sort(),
    );
    for (const row of iterations) {
      const cell = cells.find((x) => x.id === row.response_id)!;
      expect(row.quality).toBe(
        Math.round(Number(cell.quality_metrics.overall_quality) * 100) / 100,
      );
      expect(row.combination_id).toBe(cell.combination_id);
    }

    await request(ctx.app)
      .get(`/api/export/batch-experiments/${batch.id}`)
      .set(other.headers)
      .expect(404);
  });
});

describe.each(testDatabaseKinds())('export rate limit on $name', (kind) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(kind, {
      RATE_LIMIT_ENABLED: 'true',
      EXPORT_RATE_LIMIT_PER_HOUR: '2',
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when a user exports more often than allowed per hour, then 429 RATE_LIMITED with Retry-After; others are unaffected', async () => {
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    await request(ctx.app).get(`/api/export/${experiment.id}`).set(user.headers).expect(200);
    await request(ctx.app)
      .post('/api/export/batch')
      .set(user.headers)
      .send({ experiment_ids: [experiment.id] })
      .expect(200);
    const res = await request(ctx.app)
      .get(`/api/export/${experiment.id}?format=csv`)
      .set(user.headers)
      .expect(429);
    expect(res.body).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    expect(res.body.error.details.limit).toBe(2);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Listing templates is not an export.
    await request(ctx.app).get('/api/export/templates').set(user.headers).expect(200);
    // The limit is per user.
    const second = await createUser(ctx);
    const own = await createExperiment(ctx, second);
    await request(ctx.app).get(`/api/export/${own.id}`).set(second.headers).expect(200);
  });
});
