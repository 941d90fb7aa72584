import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const ISSUER = 'llm-response-quality-analyzer';
const PASSWORD = 'correct-horse-battery';

const unique = () => randomBytes(4).toString('hex');

function newAccount(overrides: Record<string, unknown> = {}) {
  const suffix = unique();
  return {
    username: `john_${suffix}`,
    email: `john_${suffix}@example.com`,
    password: PASSWORD,
    full_name: 'John Doe',
    ...overrides,
  };
}

function decodeJwtPart(token: string, index: 0 | 1): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'));
}

/** The spec's error envelope with the given status and code. */
function expectError(res: request.Response, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({
    success: false,
    error: { code, message: expect.any(String), request_id: res.headers['x-request-id'] },
  });
  expect(new Date(res.body.error.timestamp).toISOString()).toBe(res.body.error.timestamp);
}

describe.each(testDatabaseKinds())('auth on $name', (kind) => {
  let ctx: TestContext;
  let secret: Uint8Array;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    secret = new TextEncoder().encode(ctx.config.jwt.secret);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const userRow = async (id: number) =>
    (await ctx.db.models.User.findByPk(id))!.get({ plain: true }) as Record<string, any>;
  const countUsers = (where: Record<string, unknown>) => ctx.db.models.User.count({ where });

  describe('register', () => {
    it('when the body is valid, then 201 with user, token and expires_in, and the password is stored as an argon2id hash', async () => {
      const account = newAccount();

      const res = await request(ctx.app).post('/api/auth/register').send(account);

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        success: true,
        data: {
          user: {
            id: expect.any(Number),
            username: account.username,
            email: account.email,
            full_name: 'John Doe',
            role: 'user',
            api_key_prefix: null,
          },
          token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
          expires_in: 86400,
        },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon2/i);
      const row = await userRow(res.body.data.user.id);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(account.password);
      expect(row).toMatchObject({ username: account.username, email: account.email, role: 'user' });
      // The token returned at registration is immediately usable.
      const me = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${res.body.data.token}`)
        .expect(200);
      expect(me.body.data.user.id).toBe(res.body.data.user.id);
    });

    it('when the body carries a role or an id, then they are ignored and the account is a plain user', async () => {
      const account = newAccount({ role: 'admin', id: 424242 });

      const res = await request(ctx.app).post('/api/auth/register').send(account).expect(201);

      expect(res.body.data.user.role).toBe('user');
      expect(res.body.data.user.id).not.toBe(424242);
      expect((await userRow(res.body.data.user.id)).role).toBe('user');
    });

    it('when the email is in mixed case, then it is stored lower-cased', async () => {
      const account = newAccount();
      const res = await request(ctx.app)
        .post('/api/auth/register')
        .send({ ...account, email: account.email.toUpperCase() })
        .expect(201);

      expect(res.body.data.user.email).toBe(account.email);
      expect((await userRow(res.body.data.user.id)).email).toBe(account.email);
    });

    it('when the email is already registered (in any case), then 409 CONFLICT on email and no second row', async () => {
      const first = newAccount();
      await request(ctx.app).post('/api/auth/register').send(first).expect(201);

      const res = await request(ctx.app)
        .post('/api/auth/register')
        .send(newAccount({ email: first.email.toUpperCase() }));

      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.details).toMatchObject({ field: 'email' });
      expect(await countUsers({ email: first.email })).toBe(1);
    });

    it('when the username is taken in another case, then 409 CONFLICT on username and no second row', async () => {
      const first = newAccount({ username: `Alice_${unique()}` });
      await request(ctx.app).post('/api/auth/register').send(first).expect(201);
      const clash = newAccount({ username: (first.username as string).toLowerCase() });

      const res = await request(ctx.app).post('/api/auth/register').send(clash);

      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.details).toMatchObject({ field: 'username' });
      expect(await countUsers({ email: clash.email })).toBe(0);
    });

    it('when two registrations with the same email race, then exactly one succeeds and the other is 409 on email', async () => {
      const email = `race_${unique()}@example.com`;

      const results = await Promise.all([
        request(ctx.app).post('/api/auth/register').send(newAccount({ email })),
        request(ctx.app).post('/api/auth/register').send(newAccount({ email })),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expectError(loser, 409, 'CONFLICT');
      expect(loser.body.error.details).toMatchObject({ field: 'email' });
      expect(await countUsers({ email })).toBe(1);
    });

    // The database settles the race: a LOWER(username) unique index on SQLite and PostgreSQL,
    // the case-insensitive collation on MariaDB.
    it('when two registrations race with usernames differing only in case, then exactly one succeeds', async () => {
      const base = `Race_${unique()}`;

      const results = await Promise.all([
        request(ctx.app)
          .post('/api/auth/register')
          .send(newAccount({ username: base })),
        request(ctx.app)
          .post('/api/auth/register')
          .send(newAccount({ username: base.toLowerCase() })),
      ]);

      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it.each([
      ['the password is shorter than 8 characters', { password: 'short7!' }, 'password', /8/],
      ['the email is not an email', { email: 'not-an-email' }, 'email', /email/i],
      ['the username has spaces', { username: 'john doe' }, 'username', /username/i],
      ['the username is too short', { username: 'jd' }, 'username', /3-64/],
      ['the password is missing', { password: undefined }, 'password', /password/i],
    ])(
      'when %s, then 400 VALIDATION_ERROR naming the field and no account',
      async (_, patch, field, expected) => {
        const account = newAccount(patch);

        const res = await request(ctx.app).post('/api/auth/register').send(account);

        expectError(res, 400, 'VALIDATION_ERROR');
        expect(res.body.error.details).toMatchObject({
          field,
          expected: expect.stringMatching(expected),
        });
        if (field !== 'password') {
          expect(res.body.error.details.value).toBe((patch as Record<string, unknown>)[field]);
        }
        expect(await countUsers({ email: String(account.email).toLowerCase() })).toBe(0);
      },
    );
  });

  describe('login', () => {
    it('when the email and password are right, then 200 with user, token and expires_in, and last_login_at is recorded', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app)
        .post('/api/auth/login')
        .send({ email: user.email.toUpperCase(), password: user.password });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        success: true,
        data: {
          user: { id: user.id, username: user.username, email: user.email, role: 'user' },
          token: expect.any(String),
          expires_in: 86400,
        },
      });
      expect((await userRow(user.id)).last_login_at).not.toBeNull();
      const token = res.body.data.token as string;
      const header = decodeJwtPart(token, 0);
      const claims = decodeJwtPart(token, 1);
      expect(header.alg).toBe('HS256');
      expect(claims).toMatchObject({ sub: String(user.id), iss: ISSUER, role: 'user' });
      expect(claims.exp - claims.iat).toBe(86400);
      expect(JSON.stringify(claims)).not.toContain(user.email);
      const me = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${res.body.data.token}`)
        .expect(200);
      expect(me.body.data.user.id).toBe(user.id);
    });

    it('when the username (in another case) and password are right, then 200 with a session', async () => {
      const user = await createUser(ctx, { username: `Bob_${unique()}` });

      const res = await request(ctx.app)
        .post('/api/auth/login')
        .send({ username: user.username.toLowerCase(), password: user.password });

      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ user: { id: user.id }, expires_in: 86400 });
      expect(res.body.data.token).toEqual(expect.any(String));
    });

    it('when the password is wrong or the account unknown, then 401 with the same message', async () => {
      const user = await createUser(ctx);

      const wrongPassword = await request(ctx.app)
        .post('/api/auth/login')
        .send({ email: user.email, password: 'not-the-password' });
      const unknownEmail = await request(ctx.app)
        .post('/api/auth/login')
        .send({ email: `nobody_${unique()}@example.com`, password: 'whatever-password' });
      const unknownUsername = await request(ctx.app)
        .post('/api/auth/login')
        .send({ username: `nobody_${unique()}`, password: 'whatever-password' });

      expectError(wrongPassword, 401, 'UNAUTHORIZED');
      expectError(unknownEmail, 401, 'UNAUTHORIZED');
      expectError(unknownUsername, 401, 'UNAUTHORIZED');
      expect(unknownEmail.body.error.message).toBe(wrongPassword.body.error.message);
      expect(unknownUsername.body.error.message).toBe(wrongPassword.body.error.message);
      expect(wrongPassword.body).not.toHaveProperty('data');
      expect((await userRow(user.id)).last_login_at).toBeNull();
    });

    it('when neither email nor username is sent, then 400 VALIDATION_ERROR on email', async () => {
      const res = await request(ctx.app).post('/api/auth/login').send({ password: PASSWORD });

      expectError(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details).toMatchObject({ field: 'email' });
    });
  });

  describe('tokens', () => {
    it('when /auth/me is called with a valid token, then 200 with the public user and no secrets', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app).get('/api/auth/me').set(user.headers);

      expect(res.status).toBe(200);
      expect(res.body.data.user).toMatchObject({
        id: user.id,
        username: user.username,
        email: user.email,
        full_name: 'Test User',
        role: 'user',
        api_key_prefix: null,
      });
      expect(new Date(res.body.data.user.created_at).toISOString()).toBe(
        res.body.data.user.created_at,
      );
      expect(res.body.data.user).not.toHaveProperty('password_hash');
      expect(res.body.data.user).not.toHaveProperty('api_key_hash');
    });

    it('when an admin logs in, then the token carries the admin role and /auth/me reports it', async () => {
      const admin = await createUser(ctx, { role: 'admin' });

      const res = await request(ctx.app).get('/api/auth/me').set(admin.headers);

      expect(res.status).toBe(200);
      expect(res.body.data.user).toMatchObject({ id: admin.id, role: 'admin' });
      expect(decodeJwtPart(admin.token, 1).role).toBe('admin');
    });

    it('when the token has expired, then 401 saying it expired', async () => {
      const user = await createUser(ctx);
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(user.id))
        .setIssuer(ISSUER)
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(secret);

      const res = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${expired}`);

      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.body.error.message).toMatch(/expired/i);
    });

    it('when the payload of a valid token is tampered with (sub changed), then 401', async () => {
      const victim = await createUser(ctx);
      const attacker = await createUser(ctx);
      const [header, payload, signature] = attacker.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: String(victim.id) })).toString(
        'base64url',
      );

      const res = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${header}.${forged}.${signature}`);

      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.body.error.message).toMatch(/invalid token/i);
    });

    it('when the payload is escalated to admin without re-signing, then 401', async () => {
      const user = await createUser(ctx);
      const [header, payload, signature] = user.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );

      const res = await request(ctx.app)
        .get('/api/experiments')
        .set('Authorization', `Bearer ${header}.${forged}.${signature}`);

      expectError(res, 401, 'UNAUTHORIZED');
    });

    it.each([
      ['signed with another secret', 'another-secret-that-is-long-enough-for-hs256', ISSUER],
      ['issued by someone else', undefined, 'some-other-service'],
    ])('when the token is %s, then 401 Invalid token', async (_, otherSecret, issuer) => {
      const user = await createUser(ctx);
      const token = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(user.id))
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(otherSecret ? new TextEncoder().encode(otherSecret) : secret);

      const res = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${token}`);

      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.body.error.message).toMatch(/invalid token/i);
    });

    it('when the token is unsigned (alg none), then 401', async () => {
      const user = await createUser(ctx);
      const token = new UnsecuredJWT({ role: 'admin' })
        .setSubject(String(user.id))
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime('1h')
        .encode();

      const res = await request(ctx.app)
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${token}`);

      expectError(res, 401, 'UNAUTHORIZED');
    });

    it.each([
      ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
      ['Bearer without a token', 'Bearer'],
      ['a token without a scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.abc'],
      ['two tokens', 'Bearer abc def'],
      ['a garbage token', 'Bearer not-a-jwt'],
    ])('when the Authorization header is %s, then 401 UNAUTHORIZED', async (_, header) => {
      const res = await request(ctx.app).get('/api/auth/me').set('Authorization', header);

      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('when the Authorization header is malformed, then the message says what is expected', async () => {
      const res = await request(ctx.app).get('/api/auth/me').set('Authorization', 'Token abc');

      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.body.error.message).toMatch(/Bearer <token>/);
    });
  });

  describe('api keys', () => {
    it('when a key is created, then 201 shows it once and the database keeps only its sha256 and a display prefix', async () => {
      const user = await createUser(ctx);

      const res = await request(ctx.app).post('/api/auth/api-key').set(user.headers);

      expect(res.status).toBe(201);
      const { api_key: key, api_key_prefix: prefix, created_at } = res.body.data;
      expect(key).toMatch(/^lqa_[\w-]{40,}$/);
      expect(key.startsWith(prefix.replace(/…$/, ''))).toBe(true);
      expect(prefix.length).toBeLessThan(key.length);
      expect(new Date(created_at).toISOString()).toBe(created_at);
      expect(res.body.message).toMatch(/not be shown again/i);

      const row = await userRow(user.id);
      expect(row.api_key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(row.api_key).toBe(prefix);
      expect(row.api_key).not.toContain(key);
      expect(row.api_key_created_at).not.toBeNull();
      expect(JSON.stringify(row)).not.toContain(key);

      // Never shown again: /auth/me reports only the prefix.
      const me = await request(ctx.app).get('/api/auth/me').set(user.headers).expect(200);
      expect(me.body.data.user.api_key_prefix).toBe(prefix);
      expect(JSON.stringify(me.body)).not.toContain(key);
    });

    it('when the key is sent as X-API-Key, then /auth/me and /experiments answer for its owner', async () => {
      const user = await createUser(ctx);
      const { body } = await request(ctx.app)
        .post('/api/auth/api-key')
        .set(user.headers)
        .expect(201);
      const key = body.data.api_key as string;

      const me = await request(ctx.app).get('/api/auth/me').set('X-API-Key', key);
      const created = await request(ctx.app)
        .post('/api/experiments')
        .set('X-API-Key', key)
        .send({ name: 'Via API key', prompt: 'Say hello' });
      const list = await request(ctx.app).get('/api/experiments').set('X-API-Key', key);

      expect(me.status).toBe(200);
      expect(me.body.data.user.id).toBe(user.id);
      expect(created.status).toBe(201);
      expect(created.body.data.experiment.user_id).toBe(user.id);
      expect(list.status).toBe(200);
      expect(list.body.data.experiments.map((e: any) => e.id)).toEqual([
        created.body.data.experiment.id,
      ]);
      const stored = await ctx.db.models.Experiment.findByPk(created.body.data.experiment.id);
      expect(stored!.get('user_id')).toBe(user.id);
    });

    it('when the key is rotated, then the old key answers 401 and the new one works', async () => {
      const user = await createUser(ctx);
      const first = await request(ctx.app).post('/api/auth/api-key').set(user.headers).expect(201);
      const oldKey = first.body.data.api_key as string;

      // Rotation may be authorised by the current key itself.
      const second = await request(ctx.app).post('/api/auth/api-key').set('X-API-Key', oldKey);
      const newKey = second.body.data.api_key as string;
      const withOld = await request(ctx.app).get('/api/auth/me').set('X-API-Key', oldKey);
      const withNew = await request(ctx.app).get('/api/auth/me').set('X-API-Key', newKey);

      expect(second.status).toBe(201);
      expect(newKey).not.toBe(oldKey);
      expectError(withOld, 401, 'UNAUTHORIZED');
      expect(withOld.body.error.message).toMatch(/api key/i);
      expect(withNew.status).toBe(200);
      expect(withNew.body.data.user.id).toBe(user.id);
      expect((await userRow(user.id)).api_key_hash).toBe(
        createHash('sha256').update(newKey).digest('hex'),
      );
    });

    it.each([
      ['garbage', 'not-a-key'],
      ['well-formed but unknown', `lqa_${randomBytes(32).toString('base64url')}`],
    ])('when the X-API-Key is %s, then 401 UNAUTHORIZED', async (_, key) => {
      const res = await request(ctx.app).get('/api/experiments').set('X-API-Key', key);

      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('when two users have keys, then each key identifies only its owner', async () => {
      const alice = await createUser(ctx);
      const bob = await createUser(ctx);
      const aliceKey = (await request(ctx.app).post('/api/auth/api-key').set(alice.headers)).body
        .data.api_key;
      const bobKey = (await request(ctx.app).post('/api/auth/api-key').set(bob.headers)).body.data
        .api_key;
      await createExperiment(ctx, bob, { name: 'Bob only' });

      const aliceList = await request(ctx.app).get('/api/experiments').set('X-API-Key', aliceKey);
      const bobMe = await request(ctx.app).get('/api/auth/me').set('X-API-Key', bobKey);

      expect(aliceList.body.data.experiments).toEqual([]);
      expect(bobMe.body.data.user.id).toBe(bob.id);
    });
  });

  describe('route protection', () => {
    it('when a protected route is called without credentials, then 401 UNAUTHORIZED for every one of them', async () => {
      const docs = await request(ctx.app).get('/api/docs').expect(200);
      const routes = docs.body.routes as { method: string; path: string; auth: boolean }[];
      const protectedRoutes = routes.filter((r) => r.auth);
      expect(protectedRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining([
          'GET /api/auth/me',
          'POST /api/auth/api-key',
          'GET /api/experiments',
          'POST /api/experiments',
          'GET /api/experiments/:id',
          'PUT /api/experiments/:id',
          'DELETE /api/experiments/:id',
        ]),
      );

      for (const route of protectedRoutes) {
        const path = route.path.replace(/:[A-Za-z_]+/g, '1');
        const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const res = await request(ctx.app)[method](path).send({});
        expect(res.status, `${route.method} ${route.path}`).toBe(401);
        expectError(res, 401, 'UNAUTHORIZED');
        expect(res.body.error.message).toMatch(/Authorization: Bearer|X-API-Key/);
      }
    });

    it('when no credentials are sent, then exactly health, docs, openapi, register and login are public', async () => {
      const docs = await request(ctx.app).get('/api/docs').expect(200);
      const publicRoutes = (docs.body.routes as { method: string; path: string; auth: boolean }[])
        .filter((r) => !r.auth)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      expect(publicRoutes).toEqual(
        [
          'GET /api/docs',
          'GET /api/health',
          'GET /api/openapi.json',
          'POST /api/auth/login',
          'POST /api/auth/register',
        ].sort(),
      );

      const account = newAccount();
      expect((await request(ctx.app).get('/api/health')).status).toBe(200);
      expect((await request(ctx.app).get('/api/docs')).status).toBe(200);
      expect((await request(ctx.app).get('/api/openapi.json')).status).toBe(200);
      expect((await request(ctx.app).get('/api/docs/ui/')).status).toBe(200);
      expect((await request(ctx.app).post('/api/auth/register').send(account)).status).toBe(201);
      expect(
        (
          await request(ctx.app)
            .post('/api/auth/login')
            .send({ email: account.email, password: account.password })
        ).status,
      ).toBe(200);
    });

    it('when a public route gets rejected credentials, then it still answers normally', async () => {
      const health = await request(ctx.app)
        .get('/api/health')
        .set('Authorization', 'Bearer not-a-jwt');
      const docs = await request(ctx.app).get('/api/docs').set('X-API-Key', 'nope');

      expect(health.status).toBe(200);
      expect(docs.status).toBe(200);
    });
  });
});

describe('token lifetime from JWT_EXPIRES_IN (on sqlite)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ name: 'sqlite' }, { JWT_EXPIRES_IN: '1h' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when JWT_EXPIRES_IN is 1h, then sessions say expires_in 3600 and the token expires after an hour', async () => {
    const account = newAccount();

    const registered = await request(ctx.app).post('/api/auth/register').send(account);
    const loggedIn = await request(ctx.app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });

    expect(registered.body.data.expires_in).toBe(3600);
    expect(loggedIn.body.data.expires_in).toBe(3600);
    const claims = decodeJwtPart(loggedIn.body.data.token, 1);
    expect(claims.exp - claims.iat).toBe(3600);
  });
});
