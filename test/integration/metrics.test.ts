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

const DIMENSIONS = [
  'coherence',
  'creativity',
  'readability',
  'completeness',
  'factual_accuracy',
  'relevance',
  'engagement',
  'technical_depth',
];
const METRIC_FIELDS = [
  'overall_quality',
  'coherence_score',
  'creativity_score',
  'readability_score',
  'completeness_score',
  'factual_accuracy',
  'relevance_score',
  'engagement_score',
  'technical_depth',
];

const GOOD =
  'Photosynthesis is how plants turn light into chemical energy. Chlorophyll in the leaves absorbs sunlight, ' +
  'and the plant uses that energy to split water and combine carbon dioxide into glucose. Oxygen is released ' +
  'as a by-product. For example, a single oak tree releases enough oxygen in a season for several people. ' +
  'In short, photosynthesis feeds the plant and, through it, almost every food chain on Earth.';
const SALAD =
  'Purple the seventeen because window ran. Of ideas green sleep furiously under the and. Banana protocol the moon.';

describe.each(testDatabaseKinds())('quality metrics API on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when responses are generated, then each is scored automatically with explanations for every dimension', async () => {
    const experiment = await createExperiment(ctx, user, {
      prompt: 'Explain how photosynthesis works',
    });
    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set(user.headers)
      .send({ experiment_id: experiment.id, count: 2 })
      .expect(200);

    for (const response of res.body.data.responses) {
      for (const field of METRIC_FIELDS) {
        expect(response.quality_metrics[field]).toBeGreaterThanOrEqual(0);
        expect(response.quality_metrics[field]).toBeLessThanOrEqual(100);
      }
      const rows = await ctx.db.models.QualityMetric.findAll({
        where: { response_id: response.id },
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.get('calculation_method')).toBe('heuristic');
      expect(rows[0]!.get('processing_time')).toBeGreaterThanOrEqual(0);
    }
    const detail = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}`)
      .set(user.headers)
      .expect(200);
    expect(detail.body.data.experiment.average_quality).toBeGreaterThan(0);
  });

  it('when metrics are read, then every metric, a specific analysis per dimension, calculated_at and processing_time are returned', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain photosynthesis' });
    const responseId = await insertResponse(ctx, experiment.id, { content: GOOD });

    const res = await request(ctx.app)
      .get(`/api/metrics/${responseId}`)
      .set(user.headers)
      .expect(200);

    const data = res.body.data;
    expect(data.response_id).toBe(responseId);
    expect(Object.keys(data.metrics).sort()).toEqual([...METRIC_FIELDS].sort());
    expect(Object.keys(data.detailed_analysis).sort()).toEqual([...DIMENSIONS].sort());
    for (const d of DIMENSIONS) {
      expect(data.detailed_analysis[d]).toMatchObject({
        score: expect.any(Number),
        explanation: expect.any(String),
      });
      expect(Array.isArray(data.detailed_analysis[d].suggestions)).toBe(true);
    }
    expect(data.calculation_method).toBe('heuristic');
    expect(new Date(data.calculated_at).toISOString()).toBe(data.calculated_at);
    expect(typeof data.processing_time).toBe('number');
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: responseId } })).toBe(1);
  });

  it('when metrics are recalculated, then the one row is replaced, not duplicated', async () => {
    const experiment = await createExperiment(ctx, user);
    const responseId = await insertResponse(ctx, experiment.id, { content: GOOD });
    const first = await request(ctx.app)
      .get(`/api/metrics/${responseId}`)
      .set(user.headers)
      .expect(200);
    const again = await request(ctx.app)
      .get(`/api/metrics/${responseId}?recalculate=true`)
      .set(user.headers)
      .expect(200);
    expect(again.body.data.metrics).toEqual(first.body.data.metrics);
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: responseId } })).toBe(1);
  });

  it("when the response is someone else's or missing, then 404; a bad id is 400", async () => {
    const other = await createUser(ctx);
    const experiment = await createExperiment(ctx, other);
    const responseId = await insertResponse(ctx, experiment.id, { content: GOOD });
    await request(ctx.app).get(`/api/metrics/${responseId}`).set(user.headers).expect(404);
    await request(ctx.app).get('/api/metrics/99999999').set(user.headers).expect(404);
    await request(ctx.app).get('/api/metrics/abc').set(user.headers).expect(400);
  });

  it('when a batch mixes ad-hoc texts and stored responses, then each is scored and the summary counts quality bands', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain photosynthesis' });
    const stored = await insertResponse(ctx, experiment.id, { content: GOOD });
    const res = await request(ctx.app)
      .post('/api/metrics/batch')
      .set(user.headers)
      .send({
        responses: [
          { id: 1001, content: GOOD, prompt: 'Explain photosynthesis' },
          { id: 1002, content: SALAD, prompt: 'Explain photosynthesis' },
          { id: stored },
        ],
      })
      .expect(200);
    const data = res.body.data;
    expect(data.batch_metrics.map((m: any) => m.response_id)).toEqual([1001, 1002, stored]);
    const [good, salad] = data.batch_metrics;
    expect(good.metrics.overall_quality).toBeGreaterThan(salad.metrics.overall_quality);
    expect(good.metrics.coherence_score).toBeGreaterThan(salad.metrics.coherence_score);
    expect(data.batch_summary.total_responses).toBe(3);
    const bands = data.batch_summary.quality_distribution;
    expect(bands.excellent + bands.good + bands.average + bands.poor).toBe(3);
    expect(typeof data.batch_summary.processing_time).toBe('number');
    // Ad-hoc ids are not stored.
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: 1001 } })).toBe(0);
  });

  it('when only some metrics are asked for, then only those are calculated', async () => {
    const res = await request(ctx.app)
      .post('/api/metrics/batch')
      .set(user.headers)
      .send({ responses: [{ content: GOOD }], metrics_to_calculate: ['coherence', 'readability'] })
      .expect(200);
    expect(Object.keys(res.body.data.batch_metrics[0].metrics).sort()).toEqual([
      'coherence_score',
      'readability_score',
    ]);
  });

  it.each([
    [{ responses: [] }, 'responses'],
    [{ responses: Array.from({ length: 101 }, () => ({ content: 'x' })) }, 'responses'],
    [{ responses: [{ prompt: 'only a prompt' }] }, 'responses'],
    [{ responses: [{ content: 'x' }], metrics_to_calculate: ['charisma'] }, 'metrics_to_calculate'],
  ])('when the batch body is %#, then 400 names %s', async (body, field) => {
    const res = await request(ctx.app)
      .post('/api/metrics/batch')
      .set(user.headers)
      .send(body)
      .expect(400);
    expect(res.body.error.details.errors[0].path).toContain(field);
  });

  it("when a batch names another user's stored response, then 404", async () => {
    const other = await createUser(ctx);
    const experiment = await createExperiment(ctx, other);
    const theirs = await insertResponse(ctx, experiment.id, { content: GOOD });
    await request(ctx.app)
      .post('/api/metrics/batch')
      .set(user.headers)
      .send({ responses: [{ id: theirs }] })
      .expect(404);
  });
});
