import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  arrangeFixtures,
  fingerprint,
  ownedIds,
  withHints,
  type FuzzFixtures,
} from '../helpers/fuzz/fuzz-fixtures.js';
import { prototypeIsPolluted } from '../helpers/fuzz/hostile-values.js';
import {
  operationsOf,
  requestsFor,
  schemaContext,
  type FuzzRequest,
  type Operation,
} from '../helpers/fuzz/operations.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 3: every route of the OpenAPI document, fed valid, boundary and hostile input
 * generated from its own schemas, as an authenticated user owning a few resources. Whatever
 * comes in: never a 5xx, every error in the spec's envelope, a rejected write leaves the
 * database as it was, and Object.prototype stays clean.
 *
 * CI budget: 40 cases per route on SQLite (about 2,300 in all), 8 on PostgreSQL and
 * MariaDB. FUZZ_RUNS=<n> sets the per-route count on every backend; FUZZ_SEED replays a run.
 */
const RUNS_FROM_ENV = Number(process.env.FUZZ_RUNS) || undefined;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
/** FUZZ_STATS=1 prints, per route, how many answers fell in each status class. */
const STATS = process.env.FUZZ_STATS === '1';
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Fixed at import: the document is the same for every backend. */
async function loadOperations(ctx: TestContext) {
  const res = await request(ctx.app).get('/api/openapi.json').expect(200);
  return { operations: operationsOf(res.body), schemas: schemaContext(res.body) };
}

/**
 * FUZZ_LOG=<file> appends each request before it is sent: when a case kills the process (it
 * happened: a grid built from a 1e-12 step), the file's last line is the culprit.
 */
const LOG_FILE = process.env.FUZZ_LOG;

function send(ctx: TestContext, fixtures: FuzzFixtures, req: FuzzRequest) {
  if (LOG_FILE) appendFileSync(LOG_FILE, `${ctx.kind} ${JSON.stringify(req)}\n`);
  let call = request(ctx.app)[req.method](req.url).set(fixtures.user.headers);
  if (req.body) call = call.set('Content-Type', req.body.contentType).send(req.body.text);
  return call.timeout(30_000);
}

function describeCase(req: FuzzRequest, status: number, body: unknown): string {
  const text = req.body ? ` body(${req.body.contentType})=${req.body.text.slice(0, 300)}` : '';
  return `${req.method.toUpperCase()} ${req.url.slice(0, 300)}${text} → ${status} ${JSON.stringify(body).slice(0, 500)}`;
}

function expectEnvelope(res: request.Response, req: FuzzRequest) {
  const where = describeCase(req, res.status, res.body);
  expect(res.status, where).toBeLessThan(500);
  if (res.status < 400) return;
  expect(res.body?.success, where).toBe(false);
  expect(res.body.error?.code, where).toMatch(/^[A-Z][A-Z_]+$/);
  expect(typeof res.body.error.message, where).toBe('string');
  expect(Number.isNaN(Date.parse(res.body.error.timestamp)), where).toBe(false);
  expect(res.body.error.request_id, where).toBe(res.headers['x-request-id']);
}

function runsFor(op: Operation, base: number): number {
  if (RUNS_FROM_ENV) return RUNS_FROM_ENV;
  const inputs = op.params.length + (op.body ? 3 : 0);
  // Routes that take nothing (health, docs, templates) get only pollution keys and odd bodies.
  return inputs === 0 ? Math.max(4, Math.round(base / 6)) : base;
}

const { operations: documented } = await (async () => {
  // The route list is static; build it once from a throwaway app on SQLite.
  const ctx = await createTestContext({ name: 'sqlite' });
  try {
    return await loadOperations(ctx);
  } finally {
    await ctx.close();
  }
})();

describe.each(testDatabaseKinds())('fuzzing every endpoint on $name', (kind) => {
  const base = kind.name === 'sqlite' ? 40 : 8;
  let ctx: TestContext;
  let fixtures: FuzzFixtures;
  let schemas: ReturnType<typeof schemaContext>;

  beforeAll(async () => {
    // Scoring and batch jobs stay off, so nothing changes the tables behind a request's back.
    ctx = await createTestContext(kind, { QUALITY_AUTO_SCORE: 'false' });
    fixtures = await arrangeFixtures(ctx);
    schemas = withHints((await loadOperations(ctx)).schemas, fixtures);
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('when the OpenAPI document is read, then it lists every mounted route (the fuzz list is complete)', () => {
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'post /api/experiments',
        'post /api/batch-experiments',
        'post /api/export/batch',
      ]),
    );
  });

  /** A sweep creation with these parameter ranges. */
  const sweepWith = (parameter_ranges: Record<string, unknown>) => (): FuzzRequest => ({
    method: 'post',
    url: '/api/batch-experiments',
    body: {
      contentType: 'application/json',
      text: JSON.stringify({ name: 'x', prompt: 'p', model: 'mock-fast', parameter_ranges }),
    },
  });

  /** What earlier runs found (each was a 5xx or a crash), replayed on every run. */
  const FOUND: [string, (f: FuzzFixtures) => FuzzRequest][] = [
    [
      'a sweep step of 1e-12 (the grid was built before the cell limit: out of memory)',
      sweepWith({ temperature: { min: 0, max: 2, step: 1e-12 } }),
    ],
    [
      'a denormal sweep step next to an empty range (Infinity × 0 cells = NaN passed the limit: out of memory)',
      sweepWith({
        max_tokens: { min: 15, max: 72334, step: 1.92e-301 },
        frequency_penalty: { min: -0.1, max: -0.2, step: 0.05 },
      }),
    ],
    [
      'a step finer than the rounding inside a range narrower than it (every value rounded to 0 and the walk never ended: out of memory)',
      sweepWith({
        frequency_penalty: {
          min: -1.6903036940252004e-147,
          max: 7.490158794732769e-296,
          step: 6.740685681341584e-121,
        },
      }),
    ],
    [
      'metadata nested 40 deep (MariaDB JSON columns stop at 32)',
      (f) => ({
        method: 'put',
        url: `/api/experiments/${f.experiments[0]}`,
        body: {
          contentType: 'application/json',
          text: `{"metadata":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
        },
      }),
    ],
    [
      'a NUL character in a query filter (SQLite cut the SQL, PostgreSQL refuses it)',
      () => ({
        method: 'get',
        url: '/api/analytics/dashboard?period=all&models=%00',
      }),
    ],
    [
      'a NUL character in a stored text',
      () => ({
        method: 'post',
        url: '/api/experiments',
        body: { contentType: 'application/json', text: '{"name":"a\\u0000b","prompt":"p"}' },
      }),
    ],
    [
      'the metric name "constructor" (resolved to Object\'s own member)',
      () => ({
        method: 'get',
        url: '/api/metrics/trends?metric=constructor',
      }),
    ],
    [
      'a model no provider serves (was 502 after a failed call)',
      (f) => ({
        method: 'post',
        url: '/api/responses/generate',
        body: {
          contentType: 'application/json',
          text: JSON.stringify({ experiment_id: f.experiments[0], model: 'no-such-model' }),
        },
      }),
    ],
    [
      'a NUL character in an imported CSV file (stored, it broke every later tag query on PostgreSQL)',
      () => ({
        method: 'post',
        url: '/api/datasets/import?name=n&category=technical&format=csv',
        body: { contentType: 'text/csv', text: 'text,tags\nhello,a\u0000b\n' },
      }),
    ],
  ];

  it('when a JSON body holds lone surrogates in text and keys, then they are stored as U+FFFD (MariaDB refused them in JSON columns: 500)', async () => {
    const res = await request(ctx.app)
      .put(`/api/experiments/${fixtures.experiments[0]}`)
      .set(fixtures.user.headers)
      .set('Content-Type', 'application/json')
      .send('{"parameters":{"stop":["a\\ud800"]},"metadata":{"k\\udc00":"x\\udc00y"}}');
    expect(res.status, res.text).toBe(200);
    const stored = res.body.data.experiment;
    expect(stored.parameters.stop).toEqual(['a\uFFFD']);
    expect(stored.metadata['k\uFFFD']).toBe('x\uFFFDy');
  });

  it.each(FOUND)(
    'when a request carries %s, then it is refused with 400 VALIDATION_ERROR and nothing changes',
    async (_name, build) => {
      const req = build(fixtures);
      const before = await fingerprint(ctx);
      const res = await send(ctx, fixtures, req);
      expectEnvelope(res, req);
      expect(res.status, describeCase(req, res.status, res.body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(await fingerprint(ctx)).toEqual(before);
    },
  );

  it.each(documented.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    'when %s receives generated valid, boundary and hostile input, then no 5xx, errors are enveloped, rejected writes change nothing and Object.prototype stays clean',
    async (_name, op) => {
      const arbitrary = requestsFor(op, schemas, (param) => ownedIds(op, param, fixtures));
      const isWrite = WRITE_METHODS.has(op.method);
      const statuses: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(arbitrary, async (req) => {
          const before = isWrite ? await fingerprint(ctx) : undefined;
          const res = await send(ctx, fixtures, req);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expectEnvelope(res, req);
          if (before && res.status >= 400) {
            expect(await fingerprint(ctx), describeCase(req, res.status, res.body)).toEqual(before);
          }
          expect(prototypeIsPolluted(), describeCase(req, res.status, res.body)).toBe(false);
        }),
        {
          numRuns: runsFor(op, base),
          ...(SEED === undefined ? {} : { seed: SEED }),
          // A failing case is reported as found; shrinking HTTP round trips can take minutes.
          endOnFailure: process.env.FUZZ_SHRINK !== '1',
        },
      );
      if (STATS) console.info(`${kind.name} ${op.method} ${op.path}`, JSON.stringify(statuses));
    },
    120_000,
  );
});
