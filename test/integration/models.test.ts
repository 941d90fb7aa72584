import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('models API on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when listed with no configuration, then the mock is connected, real providers say not_configured, and the default is current', async () => {
    const res = await request(ctx.app).get('/api/models').set(user.headers).expect(200);
    const byId = Object.fromEntries(res.body.data.providers.map((p: any) => [p.id, p]));
    expect(Object.keys(byId).sort()).toEqual(['anthropic', 'mock', 'ollama', 'openai']);
    expect(byId.mock.status).toBe('connected');
    expect(byId.mock.models.map((m: any) => m.id)).toEqual(
      expect.arrayContaining(['mock-fast', 'mock-balanced', 'mock-creative', 'mock-precise']),
    );
    for (const model of byId.mock.models) {
      expect(model).toMatchObject({
        name: expect.any(String),
        context_window: expect.any(Number),
        cost_per_token: expect.any(Number),
      });
      expect(model.capabilities).toContain('text');
    }
    expect(byId.openai.status).toBe('not_configured');
    expect(byId.openai.models.find((m: any) => m.id === 'gpt-4o')).toMatchObject({
      context_window: 128000,
    });
    expect(byId.anthropic.status).toBe('not_configured');
    expect(res.body.data).toMatchObject({
      current_provider: 'mock',
      current_model: 'mock-balanced',
    });
  });

  it('when a user switches model, then it is stored, reported as current, and used by new experiments', async () => {
    const switcher = await createUser(ctx);
    const res = await request(ctx.app)
      .post('/api/models/switch')
      .set(switcher.headers)
      .send({ provider: 'mock', model: 'mock-creative' })
      .expect(200);
    expect(res.body.data).toEqual({ current_provider: 'mock', current_model: 'mock-creative' });
    const row = await ctx.db.models.User.findByPk(switcher.id);
    expect(row!.get('default_model')).toBe('mock-creative');

    const list = await request(ctx.app).get('/api/models').set(switcher.headers).expect(200);
    expect(list.body.data.current_model).toBe('mock-creative');
    const created = await request(ctx.app)
      .post('/api/experiments')
      .set(switcher.headers)
      .send({ name: 'uses default', prompt: 'Hello' })
      .expect(201);
    expect(created.body.data.experiment).toMatchObject({
      model: 'mock-creative',
      provider: 'mock',
    });
    // Other users keep the server default.
    const mine = await request(ctx.app).get('/api/models').set(user.headers).expect(200);
    expect(mine.body.data.current_model).toBe('mock-balanced');
  });

  it.each([
    [{ provider: 'skynet', model: 'x' }, 'provider'],
    [{ provider: 'openai', model: 'gpt-4o' }, 'provider'],
    [{ provider: 'mock', model: 'mock-huge' }, 'model'],
    [{ provider: 'mock' }, 'model'],
  ])('when switching to %j, then 400 names %s', async (body, field) => {
    const res = await request(ctx.app)
      .post('/api/models/switch')
      .set(user.headers)
      .send(body)
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it('when the connection is tested, then the mock answers connected with a timing and unconfigured providers say so', async () => {
    const mock = await request(ctx.app)
      .get('/api/models/test-connection')
      .set(user.headers)
      .expect(200);
    expect(mock.body.data).toMatchObject({
      provider: 'mock',
      status: 'connected',
      test_message: expect.any(String),
    });
    expect(typeof mock.body.data.response_time).toBe('number');
    const openai = await request(ctx.app)
      .get('/api/models/test-connection?provider=openai')
      .set(user.headers)
      .expect(200);
    expect(openai.body.data).toMatchObject({
      provider: 'openai',
      status: 'not_configured',
      response_time: null,
    });
    await request(ctx.app)
      .get('/api/models/test-connection?provider=nope')
      .set(user.headers)
      .expect(400);
  });

  it('without credentials, then 401', async () => {
    await request(ctx.app).get('/api/models').expect(401);
  });
});
