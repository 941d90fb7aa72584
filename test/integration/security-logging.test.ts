import { Writable } from 'node:stream';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrator.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildServices, type Services } from '../../src/services.js';
import {
  createScratchDatabase,
  testDatabaseKinds,
  type TestDatabaseKind,
} from '../helpers/databases.js';
import {
  OPENAI_CHAT,
  openAiError,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';
import type { FakeServer } from '../helpers/fake-providers/fake-server.js';

const PROVIDER_KEY = 'sk-provider-secret-9f8e7d6c5b4a';
const PASSWORD = 'first-password-Zq81xv';
const NEW_PASSWORD = 'second-password-Kp44mw';
const WRONG_PASSWORD = 'wrong-password-Hh27tt';
const METRICS_TOKEN = 'metrics-scrape-token-Yu55';

type LogLine = Record<string, any>;

/**
 * A real app whose logger writes to memory at the most verbose level, so the test sees every
 * line production would write (request logs, warnings, errors, security events).
 */
async function loggedApp(kind: TestDatabaseKind) {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const scratch = await createScratchDatabase(kind);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'trace',
    DATABASE_URL: scratch.url,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    RATE_LIMIT_ENABLED: 'true',
    GENERATION_RATE_LIMIT_MAX: '2',
    MOCK_LATENCY_MS: '0',
    QUALITY_THREADS: '0',
    OPENAI_API_KEY: PROVIDER_KEY,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_MAX_RETRIES: '0',
    METRICS_TOKEN,
  });
  const logger = createLogger('trace', sink);
  const db: Database = openDatabase(config.database, logger);
  await migrateUp(db.sequelize);
  const services: Services = buildServices({ config, db, logger });
  const app: Express = createApp({ config, db, logger, services });
  return {
    app,
    raw,
    lines: (): LogLine[] =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    close: async () => {
      await services.close();
      await db.sequelize.close();
      await scratch.drop();
    },
  };
}

let fake: FakeServer;

describe.each(testDatabaseKinds())('security logging on $name', (kind) => {
  let ctx: Awaited<ReturnType<typeof loggedApp>>;

  beforeAll(async () => {
    fake ??= await startFakeOpenAi();
    ctx = await loggedApp(kind);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const events = (type: string) => ctx.lines().filter((l) => l.security_event === type);

  it('when users register, log in, fail to log in, use, rotate and revoke API keys, change passwords and generate with a provider key, then no secret appears in any log line', async () => {
    const api = () => request(ctx.app);
    const register = await api()
      .post('/api/auth/register')
      .send({ username: 'secretive', email: 'secretive@example.com', password: PASSWORD });
    const token = register.body.data.token as string;
    const auth = { Authorization: `Bearer ${token}` };
    const login = await api()
      .post('/api/auth/login')
      .send({ email: 'secretive@example.com', password: PASSWORD });
    await api()
      .post('/api/auth/login')
      .send({ email: 'secretive@example.com', password: WRONG_PASSWORD })
      .expect(401);
    const key = (await api().post('/api/auth/api-key').set(auth)).body.data.api_key as string;
    await api().get('/api/auth/me').set('X-API-Key', key).expect(200);
    const revoked = await api().delete('/api/auth/api-key').set(auth).expect(200);
    const withRevokedKey = await api().get('/api/auth/me').set('X-API-Key', key);
    const revokedAgain = await api().delete('/api/auth/api-key').set(auth).expect(200);
    await api()
      .put('/api/auth/password')
      .set(auth)
      .send({ current_password: PASSWORD, new_password: NEW_PASSWORD })
      .expect(200);
    // The old password stops working at once, the new one works.
    await api()
      .post('/api/auth/login')
      .send({ email: 'secretive@example.com', password: PASSWORD })
      .expect(401);
    await api()
      .post('/api/auth/login')
      .send({ username: 'secretive', password: NEW_PASSWORD })
      .expect(200);
    const experiment = await api()
      .post('/api/experiments')
      .set(auth)
      .send({ name: 'E', prompt: 'Say hi', model: 'openai:gpt-4o-mini' });
    await api()
      .post('/api/responses/generate')
      .set(auth)
      .send({ experiment_id: experiment.body.data.experiment.id })
      .expect(200);
    // A provider failure is logged too: the key must not ride along in it.
    fake.enqueue(OPENAI_CHAT, openAiError(401, 'Incorrect API key provided'));
    await api()
      .post('/api/responses/generate')
      .set(auth)
      .send({ experiment_id: experiment.body.data.experiment.id });
    await api().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    await api().get('/api/experiments').set('Authorization', `Bearer ${token}x`).expect(401);
    // The logger the app is built with redacts credentials in anything a module logs.
    const failure = Object.assign(new Error('provider call failed'), {
      config: { headers: { Authorization: `Bearer ${PROVIDER_KEY}` }, apiKey: PROVIDER_KEY },
    });
    const moduleLogger = createLogger('info', { write: (line: string) => ctx.raw.push(line) });
    moduleLogger.warn(
      { body: { password: PASSWORD, api_key: key }, headers: { 'x-api-key': key } },
      'x',
    );
    moduleLogger.error({ err: failure }, 'provider call failed');

    expect(register.status).toBe(201);
    expect(login.status).toBe(200);
    expect(revoked.body.data).toEqual({ revoked: true });
    expect(withRevokedKey.status).toBe(401);
    expect(withRevokedKey.body.error.code).toBe('UNAUTHORIZED');
    expect(revokedAgain.body.data).toEqual({ revoked: false });
    expect(fake.requestsTo(OPENAI_CHAT)[0]!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    const logged = ctx.raw.join('');
    expect(logged.length).toBeGreaterThan(1000);
    expect(logged).toContain('[redacted]');
    const secrets = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, token, login.body.data.token, key];
    for (const secret of [...secrets, PROVIDER_KEY, METRICS_TOKEN]) {
      expect(logged).not.toContain(secret);
    }
    // Nor their distinctive tails (a token cut or re-encoded in a message).
    expect(logged).not.toContain(token.split('.')[2]!);
    expect(logged).not.toContain(key.slice(-12));
  });

  it('when logins fail, credentials are rejected, a 403, a 404 by id and a 429 happen, then each is one security_event line with request id and IP, counted in metrics', async () => {
    const api = () => request(ctx.app);
    const owner = await api()
      .post('/api/auth/register')
      .send({ username: 'owner1', email: 'owner1@example.com', password: PASSWORD });
    const other = await api()
      .post('/api/auth/register')
      .send({ username: 'other1', email: 'other1@example.com', password: PASSWORD });
    const ownerAuth = { Authorization: `Bearer ${owner.body.data.token}` };
    const otherAuth = { Authorization: `Bearer ${other.body.data.token}` };
    const experiment = await api()
      .post('/api/experiments')
      .set(ownerAuth)
      .send({ name: 'Mine', prompt: 'Say hi' });
    const id = experiment.body.data.experiment.id as number;
    const before = ctx.lines().length;

    const failedLogin = await api()
      .post('/api/auth/login')
      .send({ email: 'owner1@example.com', password: WRONG_PASSWORD });
    const tampered = await api()
      .get('/api/experiments')
      .set('Authorization', `Bearer ${owner.body.data.token.slice(0, -3)}abc`);
    const unknownKey = await api().get('/api/health').set('X-API-Key', 'lqa_not_a_real_key_000');
    const forbidden = await api().get('/api/admin/audit').set(otherAuth);
    const foreign = await api().get(`/api/experiments/${id}`).set(otherAuth);
    const generate = () =>
      api().post('/api/responses/generate').set(ownerAuth).send({ experiment_id: id });
    await generate();
    await generate();
    const limited = await generate();

    expect([failedLogin.status, tampered.status, unknownKey.status]).toEqual([401, 401, 200]);
    expect([forbidden.status, foreign.status, limited.status]).toEqual([403, 404, 429]);
    const fresh = ctx.lines().slice(before);
    const event = (type: string, res: request.Response) =>
      fresh.find((l) => l.security_event === type && l.request_id === res.headers['x-request-id']);
    expect(event('login_failed', failedLogin)).toMatchObject({
      level: 40,
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      route: '/api/auth/login',
      login: 'owner1@example.com',
      status: 401,
    });
    expect(event('credentials_rejected', tampered)).toMatchObject({
      credential: 'token',
      reason: 'Invalid token',
      status: 401,
    });
    expect(event('credentials_rejected', unknownKey)).toMatchObject({
      credential: 'api_key',
      reason: 'Invalid API key',
    });
    expect(event('forbidden', forbidden)).toMatchObject({
      user_id: other.body.data.user.id,
      route: '/api/admin/audit',
      status: 403,
    });
    expect(event('resource_not_found', foreign)).toMatchObject({
      user_id: other.body.data.user.id,
      route: '/api/experiments/:id',
    });
    expect(event('rate_limited', limited)).toMatchObject({
      user_id: owner.body.data.user.id,
      route: '/api/responses/generate',
      status: 429,
    });
    // Successful requests raise none.
    expect(fresh.filter((l) => l.security_event)).toHaveLength(6);
    expect(events('login_failed').every((l) => !JSON.stringify(l).includes(WRONG_PASSWORD))).toBe(
      true,
    );

    const metrics = await api().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    for (const type of ['login_failed', 'credentials_rejected', 'forbidden', 'rate_limited']) {
      expect(metrics.text).toMatch(
        new RegExp(`^security_events_total\\{type="${type}"\\} [1-9]`, 'm'),
      );
    }
  });
});

afterAll(async () => {
  await fake?.close();
});
