import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createDataset,
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 4: user B reaches none of user A's data — by id, by list filter, or hidden in
 * a batch call among B's own ids. Every answer is checked for A's marker text as well as its
 * status, so a 200 that leaks is caught as surely as a wrong status. Reading, updating and
 * deleting A's experiment by id is in experiments.ownership.test.ts.
 */
const MARKER = 'alpha-private-7f3a';

/** Refused as if the thing did not exist (404) or explicitly (403), with nothing of A's inside. */
function expectDenied(res: Response) {
  expect([403, 404], res.text).toContain(res.status);
  expect(res.body.success).toBe(false);
  expect(res.text).not.toContain(MARKER);
}

describe.each(testDatabaseKinds())('isolation between users on $name', (kind) => {
  let ctx: TestContext;
  let a: TestUser;
  let b: TestUser;
  /** A's resources. */
  const A = { experiment: 0, response: 0, batch: 0, dataset: 0, prompt: 0, run: 0 };
  /** B's own experiment and responses, to mix into batch calls. */
  const B = { experiment: 0, responses: [] as number[] };

  const fingerprint = async () => {
    const [rows] = await ctx.db.sequelize.query(
      `SELECT (SELECT COUNT(*) FROM experiments) AS e, (SELECT COUNT(*) FROM responses) AS r,
        (SELECT COUNT(*) FROM quality_metrics) AS q, (SELECT COUNT(*) FROM prompts) AS p,
        (SELECT COUNT(*) FROM batch_experiments) AS b, (SELECT COUNT(*) FROM datasets) AS d,
        (SELECT MAX(updated_at) FROM datasets) AS du, (SELECT MAX(updated_at) FROM batch_experiments) AS bu`,
    );
    return JSON.stringify(rows);
  };

  beforeAll(async () => {
    ctx = await createTestContext(kind, { QUALITY_AUTO_SCORE: 'false' }, { workers: true });
    a = await createUser(ctx);
    b = await createUser(ctx);
    const experiment = await createExperiment(ctx, a, {
      name: `Exp ${MARKER}`,
      prompt: `Tell ${MARKER}`,
    });
    A.experiment = experiment.id;
    A.response = await insertResponse(ctx, experiment.id, {
      content: `Answer ${MARKER}`,
      quality: 81,
    });
    const batch = await createBatch(ctx, a, {
      name: `Sweep ${MARKER}`,
      prompt: `Sweep ${MARKER}`,
      parameter_ranges: { temperature: { values: [0.1, 0.9] } },
      iterations_per_combination: 1,
    });
    A.batch = batch.id;
    await waitForBatch(ctx, a, batch.id);
    const dataset = await createDataset(ctx, a, { name: `Set ${MARKER}`, public: false });
    A.dataset = dataset.id;
    await request(ctx.app)
      .post(`/api/datasets/${dataset.id}/prompts`)
      .set(a.headers)
      .send({ prompts: [{ text: `Prompt ${MARKER}` }] })
      .expect(201);
    A.prompt = (
      (await ctx.db.models.Prompt.findOne({ where: { dataset_id: dataset.id }, raw: true })) as any
    ).id;
    const run = await request(ctx.app)
      .post(`/api/datasets/${dataset.id}/run`)
      .set(a.headers)
      .send({ model: 'mock-fast' })
      .expect(201);
    A.run =
      run.body.data.batch_experiment?.id ??
      run.body.data.run?.batch_experiment_id ??
      run.body.data.batch_id;
    const own = await createExperiment(ctx, b, { name: 'B own' });
    B.experiment = own.id;
    B.responses = [
      await insertResponse(ctx, own.id, { quality: 60 }),
      await insertResponse(ctx, own.id, { quality: 70 }),
    ];
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  const get = (url: string) => request(ctx.app).get(url).set(b.headers);
  const post = (url: string, body: unknown) =>
    request(ctx.app)
      .post(url)
      .set(b.headers)
      .send(body as object);

  describe('experiments and responses', () => {
    it("when B reads A's experiment stats or response list, then both are refused", async () => {
      expectDenied(await get(`/api/experiments/${A.experiment}/stats`));
      expectDenied(await get(`/api/experiments/${A.experiment}/responses`));
    });

    it("when B reads A's response by id, then it is refused", async () => {
      expectDenied(await get(`/api/responses/${A.response}`));
    });

    it("when B generates responses for A's experiment (JSON and SSE), then it is refused and no response is stored", async () => {
      const before = await fingerprint();
      expectDenied(
        await post('/api/responses/generate', { experiment_id: A.experiment, count: 1 }),
      );
      const sse = await post('/api/responses/generate', {
        experiment_id: A.experiment,
        count: 1,
      }).set('Accept', 'text/event-stream');
      expect(sse.status).toBe(404);
      expect(sse.text).not.toContain(MARKER);
      expect(await fingerprint()).toBe(before);
    });

    it("when B compares its own responses with one of A's, then the whole call is refused", async () => {
      expectDenied(
        await post('/api/responses/compare', { response_ids: [...B.responses, A.response] }),
      );
      expectDenied(
        await post('/api/metrics/compare', { response_ids: [B.responses[0], A.response] }),
      );
    });

    it("when B rescores A's experiment, then it is refused and no job or metric appears", async () => {
      const before = await fingerprint();
      expectDenied(await post(`/api/experiments/${A.experiment}/rescore`, {}));
      expect(await fingerprint()).toBe(before);
    });
  });

  describe('metrics', () => {
    it("when B reads or recalculates A's response metrics, then it is refused", async () => {
      expectDenied(await get(`/api/metrics/${A.response}`));
      expectDenied(await get(`/api/metrics/${A.response}?recalculate=true`));
    });

    it("when B scores a batch naming A's stored response among its own, then it is refused and nothing is scored", async () => {
      const before = await fingerprint();
      const res = await post('/api/metrics/batch', {
        responses: [{ id: B.responses[0] }, { id: A.response }],
      });
      expectDenied(res);
      expect(await fingerprint()).toBe(before);
    });

    it("when B asks for trends filtered to A's experiment, then it sees nothing of A's", async () => {
      const res = await get(`/api/metrics/trends?experiment_ids=${A.experiment}`);
      if (res.status === 200)
        expect(JSON.stringify(res.body.data)).not.toMatch(/"response_count":[1-9]/);
      else expectDenied(res);
      expect(res.text).not.toContain(MARKER);
    });
  });

  describe('batches', () => {
    it("when B reads, lists, searches or reads results of A's batch, then it is refused or absent", async () => {
      expectDenied(await get(`/api/batch-experiments/${A.batch}`));
      expectDenied(await get(`/api/batch-experiments/${A.batch}/results`));
      for (const url of ['/api/batch-experiments', `/api/batch-experiments?search=${MARKER}`]) {
        const list = await get(url).expect(200);
        expect(list.text).not.toContain(MARKER);
      }
    });

    it("when B pauses, cancels or restarts A's batch, then it is refused and the batch is unchanged", async () => {
      const before = await fingerprint();
      for (const action of ['pause', 'cancel', 'resume', 'restart']) {
        const res = await post(`/api/batch-experiments/${A.batch}/control`, { action });
        expect([400, 403, 404]).toContain(res.status);
        expect(res.text).not.toContain(MARKER);
      }
      expect(await fingerprint()).toBe(before);
    });
  });

  describe('exports', () => {
    it("when B exports A's experiment or batch in any format, then it is refused", async () => {
      for (const format of ['json', 'csv', 'xlsx']) {
        expectDenied(await get(`/api/export/${A.experiment}?format=${format}`));
        expectDenied(await get(`/api/export/batch-experiments/${A.batch}?format=${format}`));
      }
    });

    it("when B bulk-exports its own experiment together with A's, then the whole export is refused", async () => {
      const res = await post('/api/export/batch', {
        experiment_ids: [B.experiment, A.experiment],
      }).buffer(true);
      expectDenied(res);
    });
  });

  describe('datasets and dataset runs', () => {
    it("when B reads, updates, deletes or adds to A's private dataset, then it is refused and nothing changes", async () => {
      const before = await fingerprint();
      expectDenied(await get(`/api/datasets/${A.dataset}`));
      expectDenied(
        await request(ctx.app)
          .put(`/api/datasets/${A.dataset}`)
          .set(b.headers)
          .send({ name: 'mine' }),
      );
      expectDenied(await request(ctx.app).delete(`/api/datasets/${A.dataset}`).set(b.headers));
      expectDenied(
        await post(`/api/datasets/${A.dataset}/prompts`, { prompts: [{ text: 'sneaky' }] }),
      );
      expectDenied(
        await request(ctx.app)
          .delete(`/api/datasets/${A.dataset}/prompts/${A.prompt}`)
          .set(b.headers),
      );
      expect(await fingerprint()).toBe(before);
    });

    it("when B lists datasets with any owner filter or searches for A's, then A's private dataset is absent", async () => {
      for (const query of ['', '?owner=any', '?owner=me', '?owner=system', `?search=${MARKER}`]) {
        const res = await get(`/api/datasets${query}`).expect(200);
        expect(res.text).not.toContain(MARKER);
      }
      const suggest = await get('/api/prompts/suggest?limit=50').expect(200);
      expect(suggest.text).not.toContain(MARKER);
    });

    it("when B runs A's dataset or reads its runs and results, then it is refused and no batch is created", async () => {
      const before = await fingerprint();
      expectDenied(await post(`/api/datasets/${A.dataset}/run`, { model: 'mock-fast' }));
      expectDenied(await get(`/api/datasets/${A.dataset}/runs`));
      expectDenied(await get(`/api/datasets/${A.dataset}/runs/${A.run}/results`));
      expect(await fingerprint()).toBe(before);
    });
  });

  describe('analytics', () => {
    it("when B reads the dashboard, model comparison, parameter analysis and curve, then none of A's responses count", async () => {
      // B owns one experiment with two responses; A owns two experiments and three responses.
      const dashboard = await get('/api/analytics/dashboard?period=all').expect(200);
      expect(dashboard.text).not.toContain(MARKER);
      expect(dashboard.body.data.overview).toMatchObject({
        total_experiments: 1,
        total_responses: 2,
      });
      const models = await get('/api/analytics/model-comparison').expect(200);
      const counted = models.body.data.model_comparison.map((m: any) => m.response_count as number);
      expect(counted.reduce((x: number, y: number) => x + y, 0)).toBe(2);
      const analysis = await get('/api/analytics/parameter-analysis?parameter=temperature').expect(
        200,
      );
      expect(analysis.body.data.total_responses).toBe(2);
      const curve = await get('/api/analytics/parameter-curve?parameter=temperature');
      expect(curve.status).toBeLessThan(500);
      expect(curve.text).not.toContain(MARKER);
    });

    it("when B compares configurations over A's experiment ids, then it is refused or sees no data of A's", async () => {
      const res = await post('/api/analytics/compare-configs', {
        a: { experiment_ids: [A.experiment] },
        b: { experiment_ids: [B.experiment] },
      });
      expect([400, 403, 404, 422]).toContain(res.status);
      expect(res.text).not.toContain(MARKER);
    });
  });
});
