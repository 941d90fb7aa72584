import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
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
      request_id: expect.any(String),
    },
  });
  expect(new Date(res.body.error.timestamp).toISOString()).toBe(res.body.error.timestamp);
  expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  return res.body.error;
}

const VALID = { name: 'Technical Documentation Test', prompt: 'Explain neural networks' };

describe.each(testDatabaseKinds())('POST /api/experiments on $name', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const post = (user: TestUser, body: unknown) =>
    request(ctx.app)
      .post('/api/experiments')
      .set(user.headers)
      .send(body as object);
  const storedCount = (user: TestUser) =>
    ctx.db.models.Experiment.count({ where: { user_id: user.id } });
  const stored = async (id: number) =>
    (await ctx.db.models.Experiment.findByPk(id))!.get({ plain: true }) as Record<string, any>;

  describe('valid input', () => {
    it('when only name and prompt are sent, then defaults are filled, stored and returned with 201', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, VALID);

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.success).toBe(true);
      expect(res.body.message).toBe('Experiment created successfully');
      const experiment = res.body.data.experiment;
      expect(experiment).toMatchObject({
        id: expect.any(Number),
        name: VALID.name,
        description: null,
        prompt: VALID.prompt,
        model: 'mock-balanced',
        provider: 'mock',
        parameters: {
          temperature: 0.7,
          top_p: 1,
          max_tokens: 1000,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        status: 'pending',
        response_count: 0,
        average_quality: null,
        best_quality: null,
        total_cost: 0,
        tags: [],
        user_id: user.id,
      });
      expect(new Date(experiment.created_at).toISOString()).toBe(experiment.created_at);
      expect(new Date(experiment.updated_at).toISOString()).toBe(experiment.updated_at);

      const row = await stored(experiment.id);
      expect(row).toMatchObject({
        name: VALID.name,
        prompt: VALID.prompt,
        model: 'mock-balanced',
        provider: 'mock',
        status: 'pending',
        user_id: user.id,
        parameters: {
          temperature: 0.7,
          top_p: 1,
          max_tokens: 1000,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
      });
    });

    it('when every field is sent, then the experiment is stored exactly as sent', async () => {
      // Arrange
      const user = await createUser(ctx);
      const body = {
        name: 'Creative Writing Analysis',
        description: 'Testing optimal parameters for creative content generation',
        prompt: 'Write a creative short story about AI discovering emotions.',
        model: 'gpt-4',
        provider: 'openai',
        parameters: {
          temperature: 0.8,
          top_p: 0.9,
          max_tokens: 1500,
          frequency_penalty: 0.5,
          presence_penalty: -0.5,
        },
        tags: ['creative', 'writing'],
        metadata: { owner_team: 'research' },
      };

      // Act
      const res = await post(user, body);

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment).toMatchObject(body);
      expect(await stored(res.body.data.experiment.id)).toMatchObject(body);
    });

    it('when only some parameters are sent, then the others get their defaults', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, parameters: { temperature: 1.3, max_tokens: 42 } });

      // Assert
      expect(res.status).toBe(201);
      const expected = {
        temperature: 1.3,
        top_p: 1,
        max_tokens: 42,
        frequency_penalty: 0,
        presence_penalty: 0,
      };
      expect(res.body.data.experiment.parameters).toEqual(expected);
      expect((await stored(res.body.data.experiment.id)).parameters).toEqual(expected);
    });

    it('when parameters sit exactly on their bounds, then they are accepted', async () => {
      // Arrange
      const user = await createUser(ctx);
      const low = {
        temperature: 0,
        top_p: 0,
        max_tokens: 1,
        frequency_penalty: -2,
        presence_penalty: -2,
      };
      const high = {
        temperature: 2,
        top_p: 1,
        max_tokens: 4096,
        frequency_penalty: 2,
        presence_penalty: 2,
      };

      // Act
      const resLow = await post(user, { ...VALID, parameters: low });
      const resHigh = await post(user, { ...VALID, parameters: high });

      // Assert
      expect(resLow.status).toBe(201);
      expect(resLow.body.data.experiment.parameters).toEqual(low);
      expect(resHigh.status).toBe(201);
      expect(resHigh.body.data.experiment.parameters).toEqual(high);
    });

    it('when the body names another user_id, then it is ignored and the caller owns the experiment', async () => {
      // Arrange
      const user = await createUser(ctx);
      const other = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, user_id: other.id });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.user_id).toBe(user.id);
      expect((await stored(res.body.data.experiment.id)).user_id).toBe(user.id);
      expect(await storedCount(other)).toBe(0);
    });

    it('when response_count is sent, then it is kept as metadata.planned_response_count and response_count stays 0', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, response_count: 3, metadata: { source: 'ui' } });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.response_count).toBe(0);
      expect(res.body.data.experiment.metadata).toEqual({
        source: 'ui',
        planned_response_count: 3,
      });
      const row = await stored(res.body.data.experiment.id);
      expect(row.metadata).toEqual({ source: 'ui', planned_response_count: 3 });
      expect(row.response_count).toBe(0);
    });

    it('when tags repeat or carry spaces, then they are trimmed and stored once each in order', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, tags: ['a', ' b ', 'a', 'b', 'c'] });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.tags).toEqual(['a', 'b', 'c']);
      expect((await stored(res.body.data.experiment.id)).tags).toEqual(['a', 'b', 'c']);
    });

    it('when the name has surrounding spaces, then it is stored trimmed', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, name: '  Padded name  ' });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.name).toBe('Padded name');
      expect((await stored(res.body.data.experiment.id)).name).toBe('Padded name');
    });

    it('when a model is sent without a provider, then that model is used', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, model: 'gpt-4o' });

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment.model).toBe('gpt-4o');
      expect((await stored(res.body.data.experiment.id)).model).toBe('gpt-4o');
    });

    it('when no model is sent and the user has a default model, then the user default wins over the server default', async () => {
      // Arrange
      const user = await createUser(ctx);
      await ctx.db.models.User.update(
        { default_provider: 'openai', default_model: 'gpt-4o-mini' },
        { where: { id: user.id } },
      );

      // Act
      const res = await post(user, VALID);

      // Assert
      expect(res.status).toBe(201);
      expect(res.body.data.experiment).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
      expect(await stored(res.body.data.experiment.id)).toMatchObject({
        provider: 'openai',
        model: 'gpt-4o-mini',
      });
    });
  });

  describe('invalid input', () => {
    it('when temperature is 2.5, then 400 VALIDATION_ERROR names the field, the value and the expected range, and nothing is stored', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { ...VALID, parameters: { temperature: 2.5 } });

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(error.details).toMatchObject({
        field: 'temperature',
        value: 2.5,
        expected: 'Value between 0 and 2',
      });
      expect(await storedCount(user)).toBe(0);
    });

    it.each([
      ['temperature below 0', { temperature: -0.1 }, 'temperature', -0.1, 'Value between 0 and 2'],
      [
        'temperature as text',
        { temperature: 'hot' },
        'temperature',
        'hot',
        'Value between 0 and 2',
      ],
      ['top_p above 1', { top_p: 1.01 }, 'top_p', 1.01, 'Value between 0 and 1'],
      ['top_p below 0', { top_p: -0.5 }, 'top_p', -0.5, 'Value between 0 and 1'],
      ['max_tokens 0', { max_tokens: 0 }, 'max_tokens', 0, /Integer between 1 and/],
      ['max_tokens negative', { max_tokens: -5 }, 'max_tokens', -5, /Integer between 1 and/],
      [
        'max_tokens not an integer',
        { max_tokens: 10.5 },
        'max_tokens',
        10.5,
        /Integer between 1 and/,
      ],
      [
        'frequency_penalty above 2',
        { frequency_penalty: 2.1 },
        'frequency_penalty',
        2.1,
        'Value between -2 and 2',
      ],
      [
        'frequency_penalty below -2',
        { frequency_penalty: -2.1 },
        'frequency_penalty',
        -2.1,
        'Value between -2 and 2',
      ],
      [
        'presence_penalty above 2',
        { presence_penalty: 3 },
        'presence_penalty',
        3,
        'Value between -2 and 2',
      ],
      [
        'presence_penalty below -2',
        { presence_penalty: -2.5 },
        'presence_penalty',
        -2.5,
        'Value between -2 and 2',
      ],
      ['a misspelled key', { temprature: 0.5 }, 'temprature', 0.5, /temprature/],
    ])(
      'when parameters have %s, then 400 VALIDATION_ERROR names that field and nothing is stored',
      async (_label, parameters, field, value, expected) => {
        // Arrange
        const user = await createUser(ctx);

        // Act
        const res = await post(user, { ...VALID, parameters });

        // Assert
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details.field).toBe(field);
        expect(error.details.value).toEqual(value);
        if (typeof expected === 'string') expect(error.details.expected).toBe(expected);
        else expect(error.details.expected).toMatch(expected);
        expect(await storedCount(user)).toBe(0);
      },
    );

    it.each([
      ['name is missing', { prompt: 'A prompt' }, 'name'],
      ['name is blank', { name: '   ', prompt: 'A prompt' }, 'name'],
      ['name is not text', { name: 42, prompt: 'A prompt' }, 'name'],
      ['name is longer than 255 characters', { name: 'n'.repeat(256), prompt: 'A prompt' }, 'name'],
      ['prompt is missing', { name: 'A name' }, 'prompt'],
      ['prompt is empty', { name: 'A name', prompt: '' }, 'prompt'],
      ['prompt is only whitespace', { name: 'A name', prompt: ' \n\t ' }, 'prompt'],
      ['parameters is not an object', { ...VALID, parameters: 'hot' }, 'parameters'],
      ['tags is not a list', { ...VALID, tags: 'creative' }, 'tags'],
      ['a tag is blank', { ...VALID, tags: ['ok', '  '] }, 'tags'],
      ['model is blank', { ...VALID, model: '  ' }, 'model'],
      ['response_count is 0', { ...VALID, response_count: 0 }, 'response_count'],
      ['response_count is 101', { ...VALID, response_count: 101 }, 'response_count'],
      ['metadata is a list', { ...VALID, metadata: [1, 2] }, 'metadata'],
    ])(
      'when %s, then 400 VALIDATION_ERROR names that field and nothing is stored',
      async (_label, body, field) => {
        // Arrange
        const user = await createUser(ctx);

        // Act
        const res = await post(user, body);

        // Assert
        const error = expectError(res, 400, 'VALIDATION_ERROR');
        expect(error.details.field).toBe(field);
        expect(error.details.expected).toEqual(expect.any(String));
        expect(error.message).toContain(field);
        expect(await storedCount(user)).toBe(0);
      },
    );

    it('when several fields are wrong, then every problem is listed under details.errors', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await post(user, { parameters: { temperature: 5, top_p: 2 } });

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      const fields = (error.details.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['name', 'prompt', 'temperature', 'top_p']);
      expect(await storedCount(user)).toBe(0);
    });

    it('when the body is malformed JSON, then 400 VALIDATION_ERROR and nothing is stored', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await request(ctx.app)
        .post('/api/experiments')
        .set(user.headers)
        .set('Content-Type', 'application/json')
        .send('{"name": "broken", ');

      // Assert
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(await storedCount(user)).toBe(0);
    });

    it('when no body is sent, then 400 VALIDATION_ERROR', async () => {
      // Arrange
      const user = await createUser(ctx);

      // Act
      const res = await request(ctx.app).post('/api/experiments').set(user.headers);

      // Assert
      const error = expectError(res, 400, 'VALIDATION_ERROR');
      expect(['name', 'prompt']).toContain(error.details.field);
      expect(await storedCount(user)).toBe(0);
    });
  });
});
