import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, insertResponse } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** Asserts the spec's error envelope and returns its `error` block. */
function expectError(res: Response, status: number, code: string): Record<string, any> {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    success: false,
    error: {
      code,
      message: expect.any(String),
      ...(res.body.error?.details === undefined ? {} : { details: expect.any(Object) }),
      timestamp: expect.any(String),
      request_id: res.headers['x-request-id'],
    },
  });
  return res.body.error;
}

describe.each(testDatabaseKinds())('experiments ownership on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const stored = async (id: number) =>
    (await ctx.db.models.Experiment.findByPk(id))?.get({ plain: true }) as
      Record<string, any> | undefined;

  /** User A owns an experiment with a scored response; user B is another ordinary user. */
  async function arrangeTwoUsers() {
    const owner = await createUser(ctx);
    const stranger = await createUser(ctx);
    const experiment = await createExperiment(ctx, owner, { name: 'Private work' });
    const responseId = await insertResponse(ctx, experiment.id, { quality: 80 });
    return { owner, stranger, experiment, responseId, before: (await stored(experiment.id))! };
  }

  describe('another user', () => {
    it("when user B reads user A's experiment, then 404 NOT_FOUND exactly as for a missing id", async () => {
      // Arrange
      const { stranger, experiment } = await arrangeTwoUsers();

      // Act
      const res = await request(ctx.app)
        .get(`/api/experiments/${experiment.id}`)
        .set(stranger.headers);
      const missing = await request(ctx.app).get('/api/experiments/987654').set(stranger.headers);

      // Assert
      const error = expectError(res, 404, 'NOT_FOUND');
      expect(error.message).toBe(`Experiment ${experiment.id} not found`);
      expect(error.details).toEqual({ resource: 'Experiment', id: experiment.id });
      expect(expectError(missing, 404, 'NOT_FOUND').message).toBe('Experiment 987654 not found');
    });

    it("when user B updates user A's experiment, then 404 NOT_FOUND and nothing changes", async () => {
      // Arrange
      const { stranger, experiment, before } = await arrangeTwoUsers();

      // Act
      const res = await request(ctx.app)
        .put(`/api/experiments/${experiment.id}`)
        .set(stranger.headers)
        .send({ name: 'Hijacked', status: 'failed', parameters: { temperature: 2 } });

      // Assert
      expectError(res, 404, 'NOT_FOUND');
      expect(await stored(experiment.id)).toEqual(before);
    });

    it("when user B deletes user A's experiment, then 404 NOT_FOUND and the experiment, responses and metrics remain", async () => {
      // Arrange
      const { stranger, experiment, responseId } = await arrangeTwoUsers();

      // Act
      const res = await request(ctx.app)
        .delete(`/api/experiments/${experiment.id}`)
        .set(stranger.headers);

      // Assert
      expectError(res, 404, 'NOT_FOUND');
      expect(await stored(experiment.id)).toBeDefined();
      expect(await ctx.db.models.Response.findByPk(responseId)).not.toBeNull();
      expect(await ctx.db.models.QualityMetric.count({ where: { response_id: responseId } })).toBe(
        1,
      );
    });

    it("when user B lists experiments, then user A's never appear, in any page, search or filter", async () => {
      // Arrange
      const { stranger, experiment } = await arrangeTwoUsers();
      const own = await createExperiment(ctx, stranger, { name: 'Private notes' });

      // Act
      const all = await request(ctx.app).get('/api/experiments?limit=100').set(stranger.headers);
      const searched = await request(ctx.app)
        .get('/api/experiments?search=private')
        .set(stranger.headers);
      const byModel = await request(ctx.app)
        .get(`/api/experiments?model=${experiment.model}&status=pending`)
        .set(stranger.headers);

      // Assert
      expect(all.status).toBe(200);
      for (const res of [all, searched, byModel]) {
        expect(res.body.data.experiments.map((e: any) => e.id)).toEqual([own.id]);
        expect(res.body.data.pagination.total_items).toBe(1);
      }
    });

    it('when user B creates an experiment naming user A in user_id, then B owns it and A does not see it', async () => {
      // Arrange
      const { owner, stranger } = await arrangeTwoUsers();

      // Act
      const res = await request(ctx.app)
        .post('/api/experiments')
        .set(stranger.headers)
        .send({ name: 'Planted', prompt: 'p', user_id: owner.id });
      const ownerList = await request(ctx.app)
        .get('/api/experiments?search=planted')
        .set(owner.headers);

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.user_id).toBe(stranger.id);
      expect((await stored(res.body.data.experiment.id))!.user_id).toBe(stranger.id);
      expect(ownerList.body.data.experiments).toEqual([]);
    });
  });

  describe('owner', () => {
    it('when the owner uses an API key instead of a token, then the same experiments are visible', async () => {
      // Arrange
      const { owner, experiment } = await arrangeTwoUsers();
      const key = await request(ctx.app).post('/api/auth/api-key').set(owner.headers).expect(201);

      // Act
      const res = await request(ctx.app)
        .get(`/api/experiments/${experiment.id}`)
        .set('X-API-Key', key.body.data.api_key);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment.id).toBe(experiment.id);
    });
  });

  describe('admin', () => {
    it("when an admin reads another user's experiment, then it is returned with its responses", async () => {
      // Arrange
      const { owner, experiment, responseId } = await arrangeTwoUsers();
      const admin = await createUser(ctx, { role: 'admin' });

      // Act
      const res = await request(ctx.app)
        .get(`/api/experiments/${experiment.id}`)
        .set(admin.headers);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment).toMatchObject({
        id: experiment.id,
        user_id: owner.id,
        response_count: 1,
        average_quality: 80,
      });
      expect(res.body.data.experiment.responses.map((r: any) => r.id)).toEqual([responseId]);
    });

    it("when an admin lists experiments, then everyone's are included", async () => {
      // Arrange
      const { owner, stranger, experiment } = await arrangeTwoUsers();
      const strangers = await createExperiment(ctx, stranger);
      const admin = await createUser(ctx, { role: 'admin' });
      const adminsOwn = await createExperiment(ctx, admin);
      const total = await ctx.db.models.Experiment.count();

      // Act
      const res = await request(ctx.app).get('/api/experiments?limit=100').set(admin.headers);

      // Assert
      expect(res.status).toBe(200);
      const listed = res.body.data.experiments.map((e: any) => e.id);
      expect(listed).toEqual(expect.arrayContaining([experiment.id, strangers.id, adminsOwn.id]));
      expect(res.body.data.pagination.total_items).toBe(total);
      const owners = new Set(res.body.data.experiments.map((e: any) => e.user_id));
      expect([...owners]).toEqual(expect.arrayContaining([owner.id, stranger.id, admin.id]));
    });

    it("when an admin updates another user's experiment, then it changes and the owner stays the same", async () => {
      // Arrange
      const { owner, experiment } = await arrangeTwoUsers();
      const admin = await createUser(ctx, { role: 'admin' });

      // Act
      const res = await request(ctx.app)
        .put(`/api/experiments/${experiment.id}`)
        .set(admin.headers)
        .send({ name: 'Moderated', status: 'paused' });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment).toMatchObject({
        name: 'Moderated',
        status: 'paused',
        user_id: owner.id,
      });
      expect(await stored(experiment.id)).toMatchObject({
        name: 'Moderated',
        status: 'paused',
        user_id: owner.id,
      });
    });

    it("when an admin deletes another user's experiment, then it is removed with its data", async () => {
      // Arrange
      const { experiment, responseId } = await arrangeTwoUsers();
      const admin = await createUser(ctx, { role: 'admin' });

      // Act
      const res = await request(ctx.app)
        .delete(`/api/experiments/${experiment.id}`)
        .set(admin.headers);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        deleted_experiment_id: experiment.id,
        deleted_responses_count: 1,
        deleted_metrics_count: 1,
      });
      expect(await stored(experiment.id)).toBeUndefined();
      expect(await ctx.db.models.Response.findByPk(responseId)).toBeNull();
    });

    it('when an admin reads a missing id, then 404 NOT_FOUND', async () => {
      // Arrange
      const admin = await createUser(ctx, { role: 'admin' });

      // Act
      const res = await request(ctx.app).get('/api/experiments/987654').set(admin.headers);

      // Assert
      expectError(res, 404, 'NOT_FOUND');
    });

    it('when an admin creates an experiment, then the admin owns it', async () => {
      // Arrange
      const admin = await createUser(ctx, { role: 'admin' });

      // Act
      const experiment = await createExperiment(ctx, admin);

      // Assert
      expect(experiment.user_id).toBe(admin.id);
      expect((await stored(experiment.id))!.user_id).toBe(admin.id);
    });
  });

  describe('no credentials', () => {
    it.each([
      ['get', '/api/experiments'],
      ['get', '/api/experiments/ID'],
      ['post', '/api/experiments'],
      ['put', '/api/experiments/ID'],
      ['delete', '/api/experiments/ID'],
    ] as const)(
      'when %s %s is called without credentials, then 401 UNAUTHORIZED and nothing changes',
      async (method, path) => {
        // Arrange
        const { experiment, before } = await arrangeTwoUsers();
        const countBefore = await ctx.db.models.Experiment.count();

        // Act
        const call = request(ctx.app)[method](path.replace('ID', String(experiment.id)));
        const res = await (method === 'post' || method === 'put'
          ? call.send({ name: 'Anon', prompt: 'p' })
          : call);

        // Assert
        expectError(res, 401, 'UNAUTHORIZED');
        expect(await stored(experiment.id)).toEqual(before);
        expect(await ctx.db.models.Experiment.count()).toBe(countBefore);
      },
    );

    it.each([
      ['an invalid bearer token', { Authorization: 'Bearer not-a-real-token' }],
      ['a malformed Authorization header', { Authorization: 'Token abc' }],
      ['an unknown API key', { 'X-API-Key': 'lqa_unknown_key' }],
    ])('when the request carries %s, then 401 UNAUTHORIZED', async (_label, headers) => {
      // Arrange
      const { experiment } = await arrangeTwoUsers();

      // Act
      const res = await request(ctx.app).get(`/api/experiments/${experiment.id}`).set(headers);

      // Assert
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('when an unauthenticated request also has invalid input, then authentication is checked first', async () => {
      // Arrange — nothing: the body is invalid on purpose.

      // Act
      const res = await request(ctx.app)
        .post('/api/experiments')
        .send({ parameters: { temperature: 9 } });

      // Assert
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });
});
