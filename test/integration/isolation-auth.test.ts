import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { authenticateWith } from '../../src/realtime/ws-handshake.js';
import { createBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { listen } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { closeReason, connectWs } from '../helpers/ws-client.js';

/*
 * Issue 9, item 4, the credential side: forged, expired and stale JWTs, revoked API keys, and
 * WebSocket channels of another user — all refused, wired as src/server.ts wires them.
 */
const SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';
const ISSUER = 'llm-response-quality-analyzer';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(
  payload: Record<string, unknown>,
  options: { secret?: string; exp?: number | string } = {},
) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe.each(testDatabaseKinds())('credentials and channels between users on $name', (kind) => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof listen>>;
  let realtime: RealtimeServer;
  let wsUrl: string;
  let a: TestUser;
  let b: TestUser;
  let experimentId: number;
  let batchId: number;

  beforeAll(async () => {
    ctx = await createTestContext(kind, { JWT_SECRET: SECRET, QUALITY_AUTO_SCORE: 'false' });
    server = await listen(ctx.app);
    wsUrl = server.url.replace(/^http/, 'ws');
    realtime = attachWebSocketServer(server.server, {
      bus: ctx.services.events,
      authenticate: authenticateWith(ctx.services.auth),
      canAccess: ctx.services.canWatch,
      logger: createLogger('silent'),
    });
    a = await createUser(ctx);
    b = await createUser(ctx);
    experimentId = (await createExperiment(ctx, a, { name: 'A only' })).id;
    batchId = (await createBatch(ctx, a, { parameter_ranges: { temperature: { values: [0.5] } } }))
      .id;
  }, 60_000);
  afterAll(async () => {
    await realtime?.close();
    await server?.close();
    await ctx?.close();
  });

  const me = (token: string) =>
    request(ctx.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  function expectUnauthorized(res: request.Response) {
    expect(res.status, res.text).toBe(401);
    expect(res.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
  }

  describe('JWT edge cases', () => {
    it('when a valid token has its signature altered, then 401', async () => {
      const last = a.token.at(-2) === 'A' ? 'B' : 'A';
      expectUnauthorized(await me(`${a.token.slice(0, -2)}${last}${a.token.at(-1)}`));
    });

    it("when B's token payload is rewritten to A's id and the admin role, keeping B's signature, then 401", async () => {
      const [header, , signature] = b.token.split('.');
      const forged = `${header}.${b64({ sub: String(a.id), role: 'admin', iss: ISSUER, exp: 4_102_444_800 })}.${signature}`;
      expectUnauthorized(await me(forged));
    });

    it('when a token expired, then 401 and the message says to log in again', async () => {
      const expired = await sign(
        { sub: String(a.id), role: 'user' },
        { exp: Math.floor(Date.now() / 1000) - 60 },
      );
      const res = await me(expired);
      expectUnauthorized(res);
      expect(res.body.error.message).toMatch(/expired/i);
    });

    it('when a token uses alg "none" (unsigned), with or without a trailing dot, then 401', async () => {
      const body = b64({ sub: String(a.id), role: 'admin', iss: ISSUER, exp: 4_102_444_800 });
      for (const alg of ['none', 'None', 'NONE']) {
        const unsigned = `${b64({ alg, typ: 'JWT' })}.${body}`;
        expectUnauthorized(await me(`${unsigned}.`));
        expectUnauthorized(await me(unsigned));
      }
    });

    it('when a token is signed with another secret or another HMAC algorithm, then 401', async () => {
      expectUnauthorized(
        await me(await sign({ sub: String(a.id), role: 'user' }, { secret: `${SECRET}-other` })),
      );
      const hs512 = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject(String(a.id))
        .setIssuer(ISSUER)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET));
      expectUnauthorized(await me(hs512));
    });

    it('when the user behind a valid token is removed from the database, then its token is refused everywhere', async () => {
      const gone = await createUser(ctx);
      await request(ctx.app).get('/api/auth/me').set(gone.headers).expect(200);
      await ctx.db.models.User.destroy({ where: { id: gone.id } });

      expectUnauthorized(await request(ctx.app).get('/api/auth/me').set(gone.headers));
      expectUnauthorized(await request(ctx.app).get('/api/experiments').set(gone.headers));
      const before = await ctx.db.models.Experiment.count();
      expectUnauthorized(
        await request(ctx.app)
          .post('/api/experiments')
          .set(gone.headers)
          .send({ name: 'orphan', prompt: 'p' }),
      );
      expect(await ctx.db.models.Experiment.count()).toBe(before);
      const ws = await closeReason(`${wsUrl}/ws/experiments/${experimentId}?token=${gone.token}`);
      expect(ws.code).toBe(4401);
    });
  });

  describe('API keys', () => {
    it('when a key is revoked, then requests with it are refused, and a rotated key replaces the old one', async () => {
      const user = await createUser(ctx);
      const first = (await request(ctx.app).post('/api/auth/api-key').set(user.headers).expect(201))
        .body.data.api_key;
      await request(ctx.app).get('/api/auth/me').set('X-API-Key', first).expect(200);

      const second = (
        await request(ctx.app).post('/api/auth/api-key').set(user.headers).expect(201)
      ).body.data.api_key;
      expectUnauthorized(await request(ctx.app).get('/api/auth/me').set('X-API-Key', first));
      await request(ctx.app).get('/api/auth/me').set('X-API-Key', second).expect(200);

      await request(ctx.app).delete('/api/auth/api-key').set(user.headers).expect(200);
      expectUnauthorized(await request(ctx.app).get('/api/auth/me').set('X-API-Key', second));
      expectUnauthorized(await request(ctx.app).get('/api/experiments').set('X-API-Key', second));
      expect(
        (await closeReason(`${wsUrl}/ws/experiments/${experimentId}?api_key=${second}`)).code,
      ).toBe(4401);
    });

    it("when B uses its own API key on A's experiment, then 404 like a token", async () => {
      const key = (await request(ctx.app).post('/api/auth/api-key').set(b.headers).expect(201)).body
        .data.api_key;
      const res = await request(ctx.app)
        .get(`/api/experiments/${experimentId}`)
        .set('X-API-Key', key);
      expect(res.status).toBe(404);
    });
  });

  describe('WebSocket channels', () => {
    it("when B subscribes to A's experiment or batch channel (token, API key or subprotocol), then the socket is closed 4404 and no event reaches it", async () => {
      for (const path of [`/ws/experiments/${experimentId}`, `/ws/batch-experiments/${batchId}`]) {
        expect((await closeReason(`${wsUrl}${path}?token=${b.token}`)).code).toBe(4404);
        expect((await closeReason(`${wsUrl}${path}`, ['bearer', b.token])).code).toBe(4404);
      }
    });

    it('when A subscribes to its own channels, then both are accepted (the refusals above are about ownership)', async () => {
      for (const path of [`/ws/experiments/${experimentId}`, `/ws/batch-experiments/${batchId}`]) {
        const client = await connectWs(`${wsUrl}${path}?token=${a.token}`);
        const [first] = await client.waitForMessages(1);
        expect(first?.event).toBe('subscribed');
        await client.close();
      }
    });

    it('when a forged or expired token subscribes, then the socket is closed 4401', async () => {
      const expired = await sign(
        { sub: String(a.id), role: 'user' },
        { exp: Math.floor(Date.now() / 1000) - 60 },
      );
      const wrong = await sign({ sub: String(a.id), role: 'user' }, { secret: `${SECRET}-other` });
      for (const token of [
        expired,
        wrong,
        `${b64({ alg: 'none' })}.${b64({ sub: String(a.id) })}.`,
      ]) {
        expect(
          (await closeReason(`${wsUrl}/ws/experiments/${experimentId}?token=${token}`)).code,
        ).toBe(4401);
      }
    });
  });
});
