import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const LIMITED = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_MAX: '3',
  RATE_LIMIT_USER_MAX: '5',
  RATE_LIMIT_WINDOW_MS: '60000',
};

/** A 429 in the spec's envelope with Retry-After and the standard RateLimit headers. */
function expectRateLimited(res: request.Response, limit: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    success: false,
    error: {
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many requests/i),
      details: { retry_after: expect.any(Number), limit },
      request_id: res.headers['x-request-id'],
    },
  });
  expect(new Date(res.body.error.timestamp).toISOString()).toBe(res.body.error.timestamp);
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  expect(res.body.error.details.retry_after).toBe(Number(retryAfter));
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(res.headers['ratelimit-reset']).toMatch(/^\d+$/);
}

describe.each(testDatabaseKinds())('rate limits on $name', (kind) => {
  // Each test gets its own app, so limiter counters never leak between tests.
  const opened: TestContext[] = [];
  const context = async (env: Record<string, string> = LIMITED) => {
    const ctx = await createTestContext(kind, env);
    opened.push(ctx);
    return ctx;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((ctx) => ctx.close()));
  });

  it('when an anonymous client goes over RATE_LIMIT_MAX, then 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const ctx = await context();

    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push(await request(ctx.app).get('/api/docs'));
    const over = await request(ctx.app).get('/api/docs');

    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(allowed.map((r) => r.headers['ratelimit-limit'])).toEqual(['3', '3', '3']);
    expect(allowed.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    for (const res of allowed) {
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
      expect(res.headers).not.toHaveProperty('retry-after');
    }
    expectRateLimited(over, 3);
  });

  it('when the anonymous budget is spent, then every /api route (public, protected, unknown, bad credentials) answers 429', async () => {
    const ctx = await context();
    for (let i = 0; i < 3; i++) await request(ctx.app).get('/api/docs').expect(200);

    const login = await request(ctx.app)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'whatever-password' });
    const protectedRoute = await request(ctx.app).get('/api/experiments');
    const badToken = await request(ctx.app)
      .get('/api/experiments')
      .set('Authorization', 'Bearer not-a-jwt');
    const unknown = await request(ctx.app).get('/api/nope');

    for (const res of [login, protectedRoute, badToken, unknown]) expectRateLimited(res, 3);
  });

  it('when requests come from different IPs (behind a trusted proxy), then each IP has its own budget', async () => {
    const ctx = await context({ ...LIMITED, TRUST_PROXY: 'true' });
    const from = (ip: string) => request(ctx.app).get('/api/docs').set('X-Forwarded-For', ip);
    for (let i = 0; i < 3; i++) await from('203.0.113.10').expect(200);

    const sameIp = await from('203.0.113.10');
    const otherIp = await from('198.51.100.7');

    expectRateLimited(sameIp, 3);
    expect(otherIp.status).toBe(200);
    expect(otherIp.headers['ratelimit-remaining']).toBe('2');
  });

  it('when users are authenticated, then each is counted separately with RATE_LIMIT_USER_MAX, apart from the IP budget', async () => {
    const ctx = await context();
    // Registration is anonymous: two of the IP's three requests.
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);

    const aliceAllowed = [];
    for (let i = 0; i < 5; i++) {
      aliceAllowed.push(await request(ctx.app).get('/api/auth/me').set(alice.headers));
    }
    const aliceOver = await request(ctx.app).get('/api/auth/me').set(alice.headers);
    const bobFirst = await request(ctx.app).get('/api/auth/me').set(bob.headers);
    const anonymous = await request(ctx.app).get('/api/docs');
    const anonymousOver = await request(ctx.app).get('/api/docs');

    expect(aliceAllowed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(aliceAllowed.map((r) => r.headers['ratelimit-limit'])).toEqual(Array(5).fill('5'));
    expect(aliceAllowed.map((r) => r.headers['ratelimit-remaining'])).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
    ]);
    expectRateLimited(aliceOver, 5);
    expect(bobFirst.status).toBe(200);
    expect(bobFirst.body.data.user.id).toBe(bob.id);
    expect(bobFirst.headers['ratelimit-limit']).toBe('5');
    expect(bobFirst.headers['ratelimit-remaining']).toBe('4');
    // The IP's anonymous budget was not touched by the authenticated calls.
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers['ratelimit-remaining']).toBe('0');
    expectRateLimited(anonymousOver, 3);
  });

  it("when a user switches from token to API key, then both draw on the same user's budget", async () => {
    const ctx = await context({ ...LIMITED, RATE_LIMIT_MAX: '10' });
    const user = await createUser(ctx);
    const { body } = await request(ctx.app).post('/api/auth/api-key').set(user.headers);
    const key = body.data.api_key as string;

    for (let i = 0; i < 2; i++) await request(ctx.app).get('/api/auth/me').set(user.headers);
    const viaKey = [];
    for (let i = 0; i < 2; i++) {
      viaKey.push(await request(ctx.app).get('/api/experiments').set('X-API-Key', key));
    }
    const over = await request(ctx.app).get('/api/experiments').set('X-API-Key', key);

    expect(viaKey.map((r) => r.status)).toEqual([200, 200]);
    expect(viaKey.map((r) => r.headers['ratelimit-remaining'])).toEqual(['1', '0']);
    expectRateLimited(over, 5);
  });

  it('when the budget is spent, then /api/health still answers and carries no RateLimit headers', async () => {
    const ctx = await context();
    for (let i = 0; i < 4; i++) await request(ctx.app).get('/api/docs');
    await request(ctx.app).get('/api/docs').expect(429);

    const checks = [];
    for (let i = 0; i < 10; i++) checks.push(await request(ctx.app).get('/api/health'));
    // Express routes these to the same handler, so they must be exempt too.
    for (const variant of ['/api/health/', '/api/HEALTH', '/api/Health/']) {
      checks.push(await request(ctx.app).get(variant));
    }

    expect(checks.map((r) => r.status)).toEqual(Array(13).fill(200));
    expect(checks[0]!.body.services.database).toBe('Connected');
    for (const res of checks) expect(res.headers).not.toHaveProperty('ratelimit-limit');
  });

  it('when limits are enabled with defaults, then anonymous callers get 100 and users 1000 per window', async () => {
    const ctx = await context({ RATE_LIMIT_ENABLED: 'true' });
    const user = await createUser(ctx);

    const anonymous = await request(ctx.app).get('/api/docs');
    const authenticated = await request(ctx.app).get('/api/auth/me').set(user.headers);

    expect(anonymous.headers['ratelimit-limit']).toBe('100');
    expect(authenticated.headers['ratelimit-limit']).toBe('1000');
    // The default window is 15 minutes.
    expect(Number(anonymous.headers['ratelimit-reset'])).toBeGreaterThan(800);
    expect(Number(anonymous.headers['ratelimit-reset'])).toBeLessThanOrEqual(900);
  });

  it('when the per-route budgets (generation, batch creation, export) are spent, then each answers 429 with its own RateLimit headers and Retry-After', async () => {
    const ctx = await context({
      RATE_LIMIT_ENABLED: 'true',
      GENERATION_RATE_LIMIT_MAX: '1',
      BATCH_RATE_LIMIT_MAX: '1',
      EXPORT_RATE_LIMIT_PER_HOUR: '1',
    });
    const user = await createUser(ctx);
    const experiment = await createExperiment(ctx, user);
    const routes = [
      {
        limiter: 'generation',
        window: 60,
        send: () =>
          request(ctx.app)
            .post('/api/responses/generate')
            .set(user.headers)
            .send({ experiment_id: experiment.id }),
      },
      {
        limiter: 'batch-create',
        window: 3600,
        send: () =>
          request(ctx.app)
            .post('/api/batch-experiments')
            .set(user.headers)
            .send({ name: 'S', prompt: 'Say hi', parameter_ranges: { top_p: { values: [1] } } }),
      },
      {
        limiter: 'export',
        window: 3600,
        send: () => request(ctx.app).get(`/api/export/${experiment.id}`).set(user.headers),
      },
    ];

    for (const route of routes) {
      const first = await route.send();
      const over = await route.send();

      expect(first.status).toBeLessThan(300);
      // The stricter per-route headers win over the general limit's.
      expect(first.headers['ratelimit-limit']).toBe('1');
      expect(first.headers['ratelimit-remaining']).toBe('0');
      expect(over.status).toBe(429);
      expect(over.body.error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { limit: 1, limiter: route.limiter },
      });
      const retryAfter = Number(over.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(route.window - 30);
      expect(retryAfter).toBeLessThanOrEqual(route.window);
      expect(over.headers['ratelimit-limit']).toBe('1');
      expect(over.headers['ratelimit-remaining']).toBe('0');
      expect(Number(over.headers['ratelimit-reset'])).toBe(retryAfter);
    }
  });

  it('when rate limiting is disabled, then no RateLimit headers are sent and nothing is throttled', async () => {
    const ctx = await context({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_MAX: '1',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await request(ctx.app).get('/api/docs'));

    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    for (const res of results) expect(res.headers).not.toHaveProperty('ratelimit-limit');
  });
});
