import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, insertResponse } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** Asserts the spec's error envelope and returns its `error` block. */
function expectError(res: Response, status: number, code: string): Record<string, any> {
  expect(res.status).toBe(status);
  expect(res.body.success).toBe(false);
  expect(res.body.error).toMatchObject({
    code,
    message: expect.any(String),
    timestamp: expect.any(String),
    request_id: res.headers['x-request-id'],
  });
  return res.body.error;
}

const SPEC_FIELDS = [
  'id',
  'name',
  'description',
  'prompt',
  'model',
  'parameters',
  'status',
  'response_count',
  'average_quality',
  'best_quality',
  'worst_quality',
  'total_cost',
  'total_tokens',
  'average_response_time',
  'created_at',
  'updated_at',
  'tags',
  'user_id',
  'responses',
];

describe.each(testDatabaseKinds())('GET /api/experiments/:id on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when the experiment has scored, unscored and failed responses, then aggregates and embedded responses reflect them', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user, {
      name: 'Creative Writing Analysis',
      model: 'gpt-4',
      tags: ['creative', 'writing'],
    });
    const t0 = Date.parse('2024-10-29T10:05:00.000Z');
    const first = await insertResponse(ctx, experiment.id, {
      content: 'In the depths of a quantum laboratory...',
      quality: 94.2,
      cost: 0.009,
      tokens: 840,
      responseTime: 2.1,
      createdAt: new Date(t0),
    });
    const second = await insertResponse(ctx, experiment.id, {
      quality: 82.1,
      cost: 0.0125,
      tokens: 1000,
      responseTime: 2.5,
      createdAt: new Date(t0 + 60_000),
    });
    const third = await insertResponse(ctx, experiment.id, {
      cost: 0.001,
      tokens: 300,
      responseTime: 1.0,
      createdAt: new Date(t0 + 120_000),
    });
    // A failed attempt: its (long) time must not count toward the average response time.
    const failed = await insertResponse(ctx, experiment.id, {
      status: 'failed',
      cost: 0,
      tokens: 0,
      responseTime: 30,
      createdAt: new Date(t0 + 180_000),
    });

    // Act
    const res = await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const detail = res.body.data.experiment;
    for (const field of SPEC_FIELDS) expect(detail).toHaveProperty(field);
    expect(detail).toMatchObject({
      id: experiment.id,
      name: 'Creative Writing Analysis',
      model: 'gpt-4',
      tags: ['creative', 'writing'],
      user_id: user.id,
      status: 'pending',
      response_count: 4,
      average_quality: 88.15,
      best_quality: 94.2,
      worst_quality: 82.1,
      total_cost: 0.0225,
      total_tokens: 2140,
      average_response_time: 1.867,
    });
    expect(detail.responses.map((r: any) => r.id)).toEqual([first, second, third, failed]);
    expect(detail.responses[0]).toMatchObject({
      id: first,
      experiment_id: experiment.id,
      content: 'In the depths of a quantum laboratory...',
      quality_metrics: {
        overall_quality: 94.2,
        coherence_score: 94.2,
        creativity_score: 94.2,
        readability_score: 94.2,
        completeness_score: 94.2,
      },
      response_time: 2.1,
      cost: 0.009,
      token_count: 840,
      status: 'completed',
      created_at: '2024-10-29T10:05:00.000Z',
    });
    expect(detail.responses[2].quality_metrics).toBeNull();
    expect(detail.responses[3]).toMatchObject({ status: 'failed', quality_metrics: null });
  });

  it('when the experiment has no responses, then quality aggregates are null and sums are 0', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);

    // Act
    const res = await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.data.experiment).toMatchObject({
      response_count: 0,
      average_quality: null,
      best_quality: null,
      worst_quality: null,
      total_cost: 0,
      total_tokens: 0,
      average_response_time: null,
      responses: [],
    });
  });

  it('when responses exist but none is scored, then quality aggregates are null while counts and sums are real', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    await insertResponse(ctx, experiment.id, { cost: 0.002, tokens: 50, responseTime: 1 });
    await insertResponse(ctx, experiment.id, { cost: 0.003, tokens: 70, responseTime: 2 });

    // Act
    const res = await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.data.experiment).toMatchObject({
      response_count: 2,
      average_quality: null,
      best_quality: null,
      worst_quality: null,
      total_cost: 0.005,
      total_tokens: 120,
      average_response_time: 1.5,
    });
    expect(res.body.data.experiment.responses.map((r: any) => r.quality_metrics)).toEqual([
      null,
      null,
    ]);
  });

  it('when only failed responses exist, then average_response_time is null', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    await insertResponse(ctx, experiment.id, { status: 'failed', responseTime: 12 });

    // Act
    const res = await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(user.headers);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.data.experiment.response_count).toBe(1);
    expect(res.body.data.experiment.average_response_time).toBeNull();
  });

  it('when responses_limit is smaller than the number of responses, then only the oldest are embedded but the aggregates cover all', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    const t0 = Date.parse('2024-10-29T10:00:00.000Z');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        await insertResponse(ctx, experiment.id, {
          quality: 70 + i * 10,
          createdAt: new Date(t0 + i * 1000),
        }),
      );
    }

    // Act
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}?responses_limit=2`)
      .set(user.headers);

    // Assert
    expect(res.status).toBe(200);
    expect(res.body.data.experiment.responses.map((r: any) => r.id)).toEqual(ids.slice(0, 2));
    expect(res.body.data.experiment).toMatchObject({
      response_count: 3,
      average_quality: 80,
      best_quality: 90,
      worst_quality: 70,
    });
  });

  it.each([
    ['abc', 'a word'],
    ['0', 'zero'],
    ['-3', 'a negative number'],
    ['1.5', 'a fraction'],
    ['99999999999', 'beyond the integer range'],
    ['0x1', 'hexadecimal'],
    ['1e3', 'exponent notation'],
  ])('when the id is %s (%s), then 400 VALIDATION_ERROR names the id', async (id) => {
    // Arrange
    const user = await createUser(ctx);

    // Act
    const res = await request(ctx.app).get(`/api/experiments/${id}`).set(user.headers);

    // Assert
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(error.details.field).toBe('id');
  });

  it('when responses_limit is not a number, then 400 VALIDATION_ERROR', async () => {
    // Arrange
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);

    // Act
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}?responses_limit=many`)
      .set(user.headers);

    // Assert
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    expect(error.details.field).toBe('responses_limit');
  });

  it('when no experiment has the id, then 404 NOT_FOUND', async () => {
    // Arrange
    const user = await createUser(ctx);

    // Act
    const res = await request(ctx.app).get('/api/experiments/987654').set(user.headers);

    // Assert
    const error = expectError(res, 404, 'NOT_FOUND');
    expect(error.details).toMatchObject({ resource: 'Experiment', id: 987654 });
  });
});
