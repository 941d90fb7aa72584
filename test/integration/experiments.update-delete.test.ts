import request, { type Response } from 'supertest';
import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
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

const PARAMS = {
  temperature: 0.3,
  top_p: 0.9,
  max_tokens: 500,
  frequency_penalty: 0.5,
  presence_penalty: -0.5,
};

describe.each(testDatabaseKinds())('PUT and DELETE /api/experiments/:id on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const put = (user: TestUser, id: number | string, body: unknown) =>
    request(ctx.app)
      .put(`/api/experiments/${id}`)
      .set(user.headers)
      .send(body as object);
  const del = (user: TestUser, id: number | string) =>
    request(ctx.app).delete(`/api/experiments/${id}`).set(user.headers);
  const stored = async (id: number) =>
    (await ctx.db.models.Experiment.findByPk(id))?.get({ plain: true }) as
      Record<string, any> | undefined;

  /** An experiment with known fields, its stored row before any change, and its owner. */
  async function arrangeExperiment() {
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user, {
      name: 'Original name',
      description: 'Original description',
      prompt: 'Original prompt',
      model: 'gpt-4',
      provider: 'openai',
      parameters: PARAMS,
      tags: ['one', 'two'],
      response_count: 5,
    });
    return { user, experiment, before: (await stored(experiment.id))! };
  }

  describe('PUT', () => {
    it('when only the name is sent, then only the name changes', async () => {
      // Arrange
      const { user, experiment, before } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, { name: 'Renamed' });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Experiment updated successfully');
      expect(res.body.data.experiment).toMatchObject({
        id: experiment.id,
        name: 'Renamed',
        description: 'Original description',
        prompt: 'Original prompt',
        model: 'gpt-4',
        provider: 'openai',
        parameters: PARAMS,
        tags: ['one', 'two'],
        status: 'pending',
        user_id: user.id,
        metadata: { planned_response_count: 5 },
      });
      const after = (await stored(experiment.id))!;
      expect(after).toEqual({ ...before, name: 'Renamed', updated_at: after.updated_at });
    });

    it('when only temperature is sent, then it merges into the stored parameters', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, { parameters: { temperature: 1.2 } });

      // Assert
      expect(res.status).toBe(200);
      const merged = { ...PARAMS, temperature: 1.2 };
      expect(res.body.data.experiment.parameters).toEqual(merged);
      expect((await stored(experiment.id))!.parameters).toEqual(merged);
    });

    it('when several fields are sent, then each is replaced and tags are deduplicated', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();
      const changes = {
        description: 'New description',
        prompt: 'New prompt',
        model: 'claude-3-haiku',
        provider: 'anthropic',
        tags: ['x', 'y', 'x'],
        metadata: { note: 'replaced' },
      };

      // Act
      const res = await put(user, experiment.id, changes);

      // Assert
      expect(res.status).toBe(200);
      const expected = { ...changes, tags: ['x', 'y'] };
      expect(res.body.data.experiment).toMatchObject(expected);
      expect(await stored(experiment.id)).toMatchObject(expected);
    });

    it('when response_count is sent, then it updates metadata.planned_response_count like POST does', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();
      await put(user, experiment.id, { metadata: { team: 'ml', planned_response_count: 5 } });

      // Act
      const res = await put(user, experiment.id, { response_count: 8 });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment).toMatchObject({
        response_count: 0,
        metadata: { team: 'ml', planned_response_count: 8 },
      });
      expect((await stored(experiment.id))!.metadata).toEqual({
        team: 'ml',
        planned_response_count: 8,
      });
    });

    it('when metadata and response_count are sent together, then the new metadata carries the plan', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, { metadata: { note: 'x' }, response_count: 2 });

      // Assert
      expect(res.status).toBe(200);
      const expected = { note: 'x', planned_response_count: 2 };
      expect(res.body.data.experiment.metadata).toEqual(expected);
      expect((await stored(experiment.id))!.metadata).toEqual(expected);
    });

    it('when description is null, then the description is cleared', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, { description: null });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment.description).toBeNull();
      expect((await stored(experiment.id))!.description).toBeNull();
    });

    it('when the update succeeds, then updated_at moves forward and created_at stays', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();
      const past = new Date('2024-01-01T00:00:00.000Z');
      // Straight to the table: Model.update would stamp updated_at itself. Sequelize types the
      // last argument as string[], but at run time it takes the attribute definitions, which
      // make every dialect store the date exactly as the models write it (milliseconds too).
      const columns = ctx.db.models.Experiment.getAttributes() as unknown as string[];
      await ctx.db.sequelize
        .getQueryInterface()
        .bulkUpdate('experiments', { updated_at: past }, { id: experiment.id }, {}, columns);
      expect(new Date((await stored(experiment.id))!.updated_at).toISOString()).toBe(
        past.toISOString(),
      );

      // Act
      const res = await put(user, experiment.id, { name: 'Touched' });

      // Assert
      expect(res.status).toBe(200);
      expect(Date.parse(res.body.data.experiment.updated_at)).toBeGreaterThan(past.getTime());
      expect(res.body.data.experiment.created_at).toBe(experiment.created_at);
      const after = (await stored(experiment.id))!;
      expect(new Date(after.updated_at).getTime()).toBeGreaterThan(past.getTime());
    });

    it.each(['running', 'completed', 'failed', 'paused', 'pending'])(
      'when status is changed to %s, then it is stored',
      async (status) => {
        // Arrange
        const { user, experiment } = await arrangeExperiment();

        // Act
        const res = await put(user, experiment.id, { status });

        // Assert
        expect(res.status).toBe(200);
        expect(res.body.data.experiment.status).toBe(status);
        expect((await stored(experiment.id))!.status).toBe(status);
      },
    );

    it('when the experiment has responses, then the answer carries their aggregates', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();
      await insertResponse(ctx, experiment.id, { quality: 60, cost: 0.001 });
      await insertResponse(ctx, experiment.id, { quality: 80, cost: 0.002 });

      // Act
      const res = await put(user, experiment.id, { status: 'completed' });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment).toMatchObject({
        response_count: 2,
        average_quality: 70,
        best_quality: 80,
        total_cost: 0.003,
      });
    });

    it('when the body names another user_id, then the owner does not change', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();
      const other = await createUser(ctx);

      // Act
      const res = await put(user, experiment.id, { name: 'Still mine', user_id: other.id });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data.experiment.user_id).toBe(user.id);
      expect((await stored(experiment.id))!.user_id).toBe(user.id);
    });

    it.each([
      ['temperature 2.5', { parameters: { temperature: 2.5 } }, 'temperature', 2.5],
      ['top_p above 1', { parameters: { top_p: 1.5 } }, 'top_p', 1.5],
      ['max_tokens 0', { parameters: { max_tokens: 0 } }, 'max_tokens', 0],
      ['max_tokens not an integer', { parameters: { max_tokens: 1.5 } }, 'max_tokens', 1.5],
      ['frequency_penalty -3', { parameters: { frequency_penalty: -3 } }, 'frequency_penalty', -3],
      [
        'presence_penalty 2.01',
        { parameters: { presence_penalty: 2.01 } },
        'presence_penalty',
        2.01,
      ],
      ['a misspelled parameter', { parameters: { temprature: 1 } }, 'temprature', 1],
      ['a blank name', { name: '  ' }, 'name', '  '],
      ['a whitespace prompt', { prompt: '   ' }, 'prompt', '   '],
      ['an unknown status', { status: 'archived' }, 'status', 'archived'],
      ['tags that are not a list', { tags: 'x' }, 'tags', 'x'],
      ['response_count 0', { response_count: 0 }, 'response_count', 0],
    ])(
      'when the body has %s, then 400 VALIDATION_ERROR names the field and nothing changes',
      async (_label, body, field, value) => {
        // Arrange
        const { user, experiment, before } = await arrangeExperiment();

        // Act
        const res = await put(user, experiment.id, body);

        // Assert
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details).toMatchObject({ field, value });
        expect(await stored(experiment.id)).toEqual(before);
      },
    );

    it('when temperature is 2.5, then the details are exactly those of the spec example', async () => {
      // Arrange
      const { user, experiment } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, { parameters: { temperature: 2.5 } });

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toMatchObject({
        field: 'temperature',
        value: 2.5,
        expected: 'Value between 0 and 2',
      });
    });

    it.each([
      ['an empty body', {}],
      ['only unknown fields', { colour: 'blue' }],
      ['only fields that cannot be changed', { user_id: 1, id: 5 }],
    ])('when the body is %s, then 400 VALIDATION_ERROR and nothing changes', async (_l, body) => {
      // Arrange
      const { user, experiment, before } = await arrangeExperiment();

      // Act
      const res = await put(user, experiment.id, body);

      // Assert
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(await stored(experiment.id)).toEqual(before);
    });

    it('when no experiment has the id, then 404 NOT_FOUND and nothing is created', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await put(user, 987654, { name: 'Ghost' });

      // Assert
      expectError(res, 404, 'NOT_FOUND');
      expect(await ctx.db.models.Experiment.count({ where: { user_id: user.id } })).toBe(0);
    });

    it('when the id is not numeric, then 400 VALIDATION_ERROR names the id', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await put(user, 'latest', { name: 'X' });

      // Assert
      expect(expectError(res, 400, 'VALIDATION_ERROR').details.field).toBe('id');
    });
  });

  describe('DELETE', () => {
    it('when the experiment has responses and metrics, then all are removed and the counts say so', async () => {
      // Arrange
      const user = await createUser(ctx);
      const experiment = await createExperiment(ctx, user);
      const responseIds = [
        await insertResponse(ctx, experiment.id, { quality: 90 }),
        await insertResponse(ctx, experiment.id, { quality: 70 }),
        await insertResponse(ctx, experiment.id, { status: 'failed' }),
      ];
      const neighbour = await createExperiment(ctx, user);
      const neighbourResponses = [
        await insertResponse(ctx, neighbour.id, { quality: 50 }),
        await insertResponse(ctx, neighbour.id),
      ];

      // Act
      const res = await del(user, experiment.id);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Experiment deleted successfully',
        data: {
          deleted_experiment_id: experiment.id,
          deleted_responses_count: 3,
          deleted_metrics_count: 2,
        },
      });
      const { Experiment, Response: ResponseModel, QualityMetric } = ctx.db.models;
      expect(await Experiment.findByPk(experiment.id)).toBeNull();
      expect(await ResponseModel.count({ where: { experiment_id: experiment.id } })).toBe(0);
      expect(await QualityMetric.count({ where: { response_id: { [Op.in]: responseIds } } })).toBe(
        0,
      );
      // The neighbour and its data are untouched.
      expect(await Experiment.findByPk(neighbour.id)).not.toBeNull();
      expect(await ResponseModel.count({ where: { experiment_id: neighbour.id } })).toBe(2);
      expect(
        await QualityMetric.count({ where: { response_id: { [Op.in]: neighbourResponses } } }),
      ).toBe(1);
    });

    it('when the experiment has no responses, then the counts are 0', async () => {
      // Arrange
      const user = await createUser(ctx);
      const experiment = await createExperiment(ctx, user);

      // Act
      const res = await del(user, experiment.id);

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({
        deleted_experiment_id: experiment.id,
        deleted_responses_count: 0,
        deleted_metrics_count: 0,
      });
      expect(await ctx.db.models.Experiment.findByPk(experiment.id)).toBeNull();
    });

    it('when the experiment was already deleted, then a second delete and a read answer 404 NOT_FOUND', async () => {
      // Arrange
      const user = await createUser(ctx);
      const experiment = await createExperiment(ctx, user);
      await del(user, experiment.id).expect(200);

      // Act
      const again = await del(user, experiment.id);
      const read = await request(ctx.app)
        .get(`/api/experiments/${experiment.id}`)
        .set(user.headers);

      // Assert
      expectError(again, 404, 'NOT_FOUND');
      expectError(read, 404, 'NOT_FOUND');
    });

    it('when the experiment is deleted, then it leaves the owner list', async () => {
      // Arrange
      const user = await createUser(ctx);
      const kept = await createExperiment(ctx, user);
      const removed = await createExperiment(ctx, user);

      // Act
      await del(user, removed.id).expect(200);
      const list = await request(ctx.app).get('/api/experiments').set(user.headers);

      // Assert
      expect(list.status).toBe(200);
      expect(list.body.data.experiments.map((e: any) => e.id)).toEqual([kept.id]);
      expect(list.body.data.pagination.total_items).toBe(1);
    });

    it('when the id is not numeric, then 400 VALIDATION_ERROR and nothing is deleted', async () => {
      // Arrange
      const user = await createUser(ctx);
      const experiment = await createExperiment(ctx, user);

      // Act
      const res = await del(user, 'all');

      // Assert
      expect(expectError(res, 400, 'VALIDATION_ERROR').details.field).toBe('id');
      expect(await ctx.db.models.Experiment.findByPk(experiment.id)).not.toBeNull();
    });

    it('when no experiment has the id, then 404 NOT_FOUND', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await del(user, 987654);

      // Assert
      expectError(res, 404, 'NOT_FOUND');
    });
  });
});
