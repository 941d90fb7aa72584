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

describe.each(testDatabaseKinds())('reading responses on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let experiment: Record<string, any>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
    experiment = await createExperiment(ctx, user, {
      name: 'Readable',
      prompt: 'Describe the water cycle',
    });
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    ids.low = await insertResponse(ctx, experiment.id, {
      quality: 40,
      responseTime: 3,
      cost: 0.002,
      tokens: 200,
      createdAt: new Date(base),
    });
    ids.high = await insertResponse(ctx, experiment.id, {
      quality: 90,
      responseTime: 1,
      cost: 0.004,
      tokens: 400,
      createdAt: new Date(base + 1000),
    });
    ids.mid = await insertResponse(ctx, experiment.id, {
      quality: 65,
      responseTime: 2,
      cost: 0.001,
      tokens: 100,
      createdAt: new Date(base + 2000),
    });
    ids.unscored = await insertResponse(ctx, experiment.id, {
      responseTime: 4,
      cost: 0.003,
      tokens: 300,
      createdAt: new Date(base + 3000),
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when a response is fetched, then it carries its metrics and an experiment stub', async () => {
    const res = await request(ctx.app)
      .get(`/api/responses/${ids.high}`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.response).toMatchObject({
      id: ids.high,
      experiment_id: experiment.id,
      quality_metrics: { overall_quality: 90, coherence_score: 90 },
      response_time: 1,
      cost: 0.004,
      token_count: 400,
      status: 'completed',
      error: null,
      experiment: { id: experiment.id, name: 'Readable', prompt: 'Describe the water cycle' },
    });
    const unscored = await request(ctx.app)
      .get(`/api/responses/${ids.unscored}`)
      .set(user.headers)
      .expect(200);
    expect(unscored.body.data.response.quality_metrics).toBeNull();
  });

  it('when another user asks for a response, then 404; when the id is not a number, then 400', async () => {
    const stranger = await createUser(ctx);
    await request(ctx.app).get(`/api/responses/${ids.high}`).set(stranger.headers).expect(404);
    await request(ctx.app).get('/api/responses/abc').set(user.headers).expect(400);
    const admin = await createUser(ctx, { role: 'admin' });
    await request(ctx.app).get(`/api/responses/${ids.high}`).set(admin.headers).expect(200);
  });

  it('when listed by quality descending, then scored responses come best first and unscored last, with a summary', async () => {
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?sort=quality&order=desc`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.responses.map((r: any) => r.id)).toEqual([
      ids.high,
      ids.mid,
      ids.low,
      ids.unscored,
    ]);
    expect(res.body.data.summary).toEqual({
      total_responses: 4,
      average_quality: 65,
      total_cost: 0.01,
      total_tokens: 1000,
    });
    expect(res.body.data.pagination).toMatchObject({
      current_page: 1,
      total_pages: 1,
      total_items: 4,
      per_page: 10,
    });
  });

  it('when sorted by quality ascending, then unscored responses are still last', async () => {
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?sort=quality&order=asc`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.responses.map((r: any) => r.id)).toEqual([
      ids.low,
      ids.mid,
      ids.high,
      ids.unscored,
    ]);
  });

  it('when sorted by response_time or created_at, then the order follows that field', async () => {
    const byTime = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?sort=response_time&order=asc`)
      .set(user.headers)
      .expect(200);
    expect(byTime.body.data.responses.map((r: any) => r.id)).toEqual([
      ids.high,
      ids.mid,
      ids.low,
      ids.unscored,
    ]);
    const newest = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses`)
      .set(user.headers)
      .expect(200);
    expect(newest.body.data.responses.map((r: any) => r.id)).toEqual([
      ids.unscored,
      ids.mid,
      ids.high,
      ids.low,
    ]);
  });

  it('when filtered by min and max quality, then only matching responses are listed and summarized', async () => {
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?min_quality=50&max_quality=95`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.responses.map((r: any) => r.id).sort()).toEqual(
      [ids.high, ids.mid].sort(),
    );
    expect(res.body.data.summary).toMatchObject({
      total_responses: 2,
      average_quality: 77.5,
      total_tokens: 500,
    });
  });

  it('when paginated, then pages split the list', async () => {
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?limit=3&page=2&sort=created_at&order=asc`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.responses.map((r: any) => r.id)).toEqual([ids.unscored]);
    expect(res.body.data.pagination).toMatchObject({
      current_page: 2,
      total_pages: 2,
      total_items: 4,
      per_page: 3,
    });
  });

  it.each([
    ['sort=tokens', 'sort'],
    ['min_quality=101', 'min_quality'],
    ['min_quality=80&max_quality=20', 'min_quality'],
    ['limit=500', 'limit'],
  ])('when the query is %s, then 400 names %s', async (query, field) => {
    const res = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses?${query}`)
      .set(user.headers)
      .expect(400);
    expect(res.body.error.details.field).toBe(field);
  });

  it("when the experiment is someone else's, then 404", async () => {
    const stranger = await createUser(ctx);
    await request(ctx.app)
      .get(`/api/experiments/${experiment.id}/responses`)
      .set(stranger.headers)
      .expect(404);
  });
});
