import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDatabaseKind } from '../helpers/databases.js';
import { createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const SQLITE: TestDatabaseKind = { name: 'sqlite' };
const GENERATED_ID = /^req_[0-9a-f]{32}$/;
const ENVELOPE_KEYS = ['code', 'message', 'details', 'timestamp', 'request_id'];

/**
 * The spec's error envelope and nothing else: `success:false`, the listed error fields, an
 * ISO timestamp, the request id of the response header, and no stack trace anywhere.
 */
function expectEnvelope(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['error', 'success']);
  expect(res.body.success).toBe(false);
  const { error } = res.body;
  expect(ENVELOPE_KEYS).toEqual(expect.arrayContaining(Object.keys(error)));
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(error.message.length).toBeGreaterThan(0);
  expect(new Date(error.timestamp).toISOString()).toBe(error.timestamp);
  expect(error.request_id).toBe(res.headers['x-request-id']);
  if ('details' in error) expect(typeof error.details).toBe('object');
  expectNoStack(res);
}

function expectNoStack(res: request.Response): void {
  const text = res.text ?? JSON.stringify(res.body);
  expect(text).not.toMatch(/"stack"|\n\s+at |\bat [\w.<>]+ \(|\.[tj]s:\d+:\d+|node_modules/);
}

describe('http core (database-independent, on sqlite)', () => {
  let ctx: TestContext;
  let restricted: TestContext;
  let limited: TestContext;

  beforeAll(async () => {
    [ctx, restricted, limited] = await Promise.all([
      createTestContext(SQLITE),
      createTestContext(SQLITE, {
        CORS_ORIGIN: 'https://app.example.com, https://admin.example.com',
      }),
      createTestContext(SQLITE, {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_MAX: '1',
        RATE_LIMIT_WINDOW_MS: '60000',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ctx?.close(), restricted?.close(), limited?.close()]);
  });

  describe('request id', () => {
    it('when the client sends X-Request-Id, then it is echoed on success and in the error envelope', async () => {
      const ok = await request(ctx.app).get('/api/docs').set('X-Request-Id', 'trace-abc.123:x_9');
      const failed = await request(ctx.app)
        .get('/api/no-such-route')
        .set('X-Request-Id', 'upstream-7f3a');

      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('trace-abc.123:x_9');
      expectEnvelope(failed, 404, 'NOT_FOUND');
      expect(failed.headers['x-request-id']).toBe('upstream-7f3a');
      expect(failed.body.error.request_id).toBe('upstream-7f3a');
    });

    it('when no X-Request-Id is sent, then a fresh req_… id is generated for each request', async () => {
      const first = await request(ctx.app).get('/api/health');
      const second = await request(ctx.app).get('/api/health');
      const failed = await request(ctx.app).get('/api/nothing-here');

      expect(first.headers['x-request-id']).toMatch(GENERATED_ID);
      expect(second.headers['x-request-id']).toMatch(GENERATED_ID);
      expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
      expect(failed.body.error.request_id).toMatch(GENERATED_ID);
      expect(failed.body.error.request_id).toBe(failed.headers['x-request-id']);
    });

    it.each([
      ['300 characters long', 'a'.repeat(300)],
      ['containing spaces', 'has some spaces'],
      ['containing markup', '<script>alert(1)</script>'],
      ['containing a log-injection attempt', 'abc\\nlevel=fatal'],
    ])(
      'when the incoming X-Request-Id is %s, then it is replaced by a generated id',
      async (_, id) => {
        const res = await request(ctx.app).get('/api/unknown').set('X-Request-Id', id);

        expect(res.headers['x-request-id']).toMatch(GENERATED_ID);
        expectEnvelope(res, 404, 'NOT_FOUND');
        expect(res.text).not.toContain(id);
      },
    );

    it('when the X-Request-Id is exactly 128 safe characters, then it is kept', async () => {
      const id = 'x'.repeat(128);

      const res = await request(ctx.app).get('/api/docs').set('X-Request-Id', id);

      expect(res.headers['x-request-id']).toBe(id);
    });
  });

  describe('error envelope', () => {
    it.each([
      ['GET', '/api/no-such-route'],
      ['GET', '/not-even-api'],
      ['DELETE', '/api/health'],
      ['PATCH', '/api/docs'],
    ])('when %s %s matches no route, then 404 NOT_FOUND envelope', async (method, path) => {
      const res = await request(ctx.app)[method.toLowerCase() as 'get'](path);

      expectEnvelope(res, 404, 'NOT_FOUND');
      expect(res.body.error.message).toContain(path);
    });

    it('when the JSON body is malformed, then 400 VALIDATION_ERROR envelope naming the body', async () => {
      const res = await request(ctx.app)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@b.c", "password": ');

      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details).toMatchObject({ field: 'body' });
    });

    it('when the body is larger than 1 MB, then 413 envelope with the limit', async () => {
      const huge = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024 + 10) });

      const res = await request(ctx.app)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(huge);

      expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(res.body.error.details).toMatchObject({ limit_bytes: 1024 * 1024 });
    });

    it('when the body is just under 1 MB, then it is parsed and validated normally', async () => {
      const res = await request(ctx.app)
        .post('/api/auth/register')
        .send({
          username: 'u'.repeat(1000 * 1000),
          email: 'big@example.com',
          password: 'long-enough',
        });

      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details.field).toBe('username');
    });

    it('when a validation fails, then details give field, value and expected as in the spec', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app)
        .post('/api/experiments')
        .set(user.headers)
        .send({ name: 'Too hot', prompt: 'Hello', parameters: { temperature: 2.5 } });

      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details).toMatchObject({
        field: 'temperature',
        value: 2.5,
        expected: expect.any(String),
      });
      expect(await ctx.db.models.Experiment.count({ where: { name: 'Too hot' } })).toBe(0);
    });

    it('when no credentials are sent to a protected route, then 401 UNAUTHORIZED envelope', async () => {
      const res = await request(ctx.app).get('/api/experiments');

      expectEnvelope(res, 401, 'UNAUTHORIZED');
    });

    it('when a unique field clashes, then 409 CONFLICT envelope', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app)
        .post('/api/auth/register')
        .send({ username: `${user.username}x`, email: user.email, password: 'long-enough' });

      expectEnvelope(res, 409, 'CONFLICT');
      expect(res.body.error.details).toMatchObject({ field: 'email' });
    });

    it('when the rate limit is exceeded, then 429 RATE_LIMITED envelope', async () => {
      await request(limited.app).get('/api/docs').expect(200);

      const res = await request(limited.app).get('/api/docs');

      expectEnvelope(res, 429, 'RATE_LIMITED');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    });

    it('when the URL path has broken percent-encoding, then 400 VALIDATION_ERROR, not a 500', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app).get('/api/experiments/%E0%A4%A').set(user.headers);

      expectEnvelope(res, 400, 'VALIDATION_ERROR');
    });

    it('when the path id is not a number, then 400 VALIDATION_ERROR naming id', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app).get('/api/experiments/abc').set(user.headers);

      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details).toMatchObject({ field: 'id', value: 'abc' });
    });
  });

  describe('security headers', () => {
    it('when any response is sent, then helmet headers are present and x-powered-by is not', async () => {
      for (const path of ['/api/health', '/api/no-such-route']) {
        const res = await request(ctx.app).get(path);

        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
        expect(res.headers).not.toHaveProperty('x-powered-by');
      }
    });
  });

  describe('CORS', () => {
    it('when CORS_ORIGIN is the default, then any origin gets Access-Control-Allow-Origin: *', async () => {
      const res = await request(ctx.app)
        .get('/api/health')
        .set('Origin', 'https://anywhere.example.org');

      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
      expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
    });

    it('when a browser pre-flights with the default config, then 204 allows the method', async () => {
      const res = await request(ctx.app)
        .options('/api/experiments')
        .set('Origin', 'https://anywhere.example.org')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'Authorization, Content-Type');

      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toContain('POST');
    });

    it.each(['https://app.example.com', 'https://admin.example.com'])(
      'when CORS_ORIGIN lists %s and it calls, then its origin is echoed',
      async (origin) => {
        const res = await request(restricted.app).get('/api/health').set('Origin', origin);

        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers.vary).toMatch(/Origin/);
      },
    );

    it('when CORS_ORIGIN is restricted and another origin calls, then no allow-origin header is sent', async () => {
      const simple = await request(restricted.app)
        .get('/api/health')
        .set('Origin', 'https://evil.example.net');
      const preflight = await request(restricted.app)
        .options('/api/experiments')
        .set('Origin', 'https://evil.example.net')
        .set('Access-Control-Request-Method', 'DELETE');

      expect(simple.headers).not.toHaveProperty('access-control-allow-origin');
      expect(preflight.headers).not.toHaveProperty('access-control-allow-origin');
    });
  });
});

describe.each(testDatabaseKinds())('when the database is gone, on $name', (kind) => {
  // Each test closes its own context's database, so none can leak a dead pool to another.
  const opened: TestContext[] = [];
  const contextWithClosedDatabase = async () => {
    const ctx = await createTestContext(kind);
    opened.push(ctx);
    await request(ctx.app).get('/api/health').expect(200);
    await ctx.db.sequelize.close();
    return ctx;
  };
  afterEach(async () => {
    // The database is already closed; only the scratch database remains to drop.
    await Promise.all(opened.splice(0).map((ctx) => ctx.close().catch(() => undefined)));
  });

  it('when the database connection is closed, then health answers 503 DEGRADED with the database Disconnected, quickly', async () => {
    const ctx = await contextWithClosedDatabase();
    const started = Date.now();

    const res = await request(ctx.app).get('/api/health');

    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      status: 'DEGRADED',
      message: expect.stringMatching(/database/i),
      version: ctx.config.version,
      services: { database: 'Disconnected', mock_mode: true },
      statistics: { total_experiments: 0, total_responses: 0, avg_quality_score: null },
      environment: 'test',
    });
    expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
    expectNoStack(res);
  });

  it('when a client sends its API key while the database is down, then public routes still answer and protected ones fail with a server error, not 401', async () => {
    const ctx = await contextWithClosedDatabase();
    const key = `lqa_${'k'.repeat(43)}`;

    const health = await request(ctx.app).get('/api/health').set('X-API-Key', key);
    const docs = await request(ctx.app).get('/api/docs').set('X-API-Key', key);
    const experiments = await request(ctx.app).get('/api/experiments').set('X-API-Key', key);

    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'DEGRADED',
      services: { database: 'Disconnected' },
    });
    expect(docs.status).toBe(200);
    // A client must not be told its key is wrong (and drop it) because the database is down.
    expect(experiments.status).toBeGreaterThanOrEqual(500);
    expect(['DATABASE_ERROR', 'INTERNAL_ERROR']).toContain(experiments.body.error.code);
    expectEnvelope(experiments, experiments.status, experiments.body.error.code);
  });
});
