import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { authenticateWith } from '../../src/realtime/ws-handshake.js';
import { ControllableProvider, createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { listen } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { closeReason, connectWs } from '../helpers/ws-client.js';

const PROMPT = 'Explain how tides work';

describe.each(testDatabaseKinds())('batch experiments API on $name', (kind) => {
  let ctx: TestContext;
  let owner: TestUser;
  let stranger: TestUser;
  let server: Awaited<ReturnType<typeof listen>>;
  let realtime: RealtimeServer;
  let wsUrl: string;
  const provider = new ControllableProvider();

  beforeAll(async () => {
    ctx = await createTestContext(
      kind,
      { BATCH_MAX_CELLS: '50' },
      { workers: true, providers: { mock: provider } },
    );
    server = await listen(ctx.app);
    wsUrl = server.url.replace(/^http/, 'ws');
    realtime = attachWebSocketServer(server.server, {
      bus: ctx.services.events,
      authenticate: authenticateWith(ctx.services.auth),
      canAccess: ctx.services.canWatch,
      logger: createLogger('silent'),
    });
    owner = await createUser(ctx);
    stranger = await createUser(ctx);
  });
  afterAll(async () => {
    await realtime?.close();
    await server?.close();
    await ctx?.close();
  });

  const post = (user: TestUser, body: Record<string, unknown>) =>
    request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({ name: 'Sweep', prompt: PROMPT, model: 'mock-balanced', ...body });

  it('when 0.1..1.0 step 0.1 is asked for, then there are exactly ten float-safe temperatures', async () => {
    const res = await post(owner, {
      parameter_ranges: { temperature: { min: 0.1, max: 1.0, step: 0.1 } },
    }).expect(201);
    const batch = res.body.data.batch_experiment;
    expect(res.body.message).toBe('Batch experiment queued for processing');
    expect(batch.total_combinations).toBe(10);
    expect(batch.parameter_combinations.map((c: any) => c.temperature)).toEqual([
      0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
    ]);
    await waitForBatch(ctx, owner, batch.id);
  });

  it.each([
    ['a temperature above 2', { temperature: { min: 0.5, max: 3, step: 0.5 } }],
    ['min above max', { top_p: { min: 0.9, max: 0.1, step: 0.1 } }],
    ['a zero step', { top_p: { min: 0.1, max: 0.2, step: 0 } }],
    ['a step finer than the rounding', { top_p: { min: 0, max: 1e-9, step: 1e-12 } }],
    ['an unknown parameter', { temprature: { values: [0.1] } }],
    ['no parameter at all', {}],
    ['a fractional max_tokens', { max_tokens: { values: [100.5] } }],
  ])('when the ranges have %s, then 400 VALIDATION_ERROR', async (_label, ranges) => {
    const res = await post(owner, { parameter_ranges: ranges }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('when iterations are outside 1–20 or the priority is unknown, then 400', async () => {
    const ranges = { temperature: { values: [0.5] } };
    await post(owner, { parameter_ranges: ranges, iterations_per_combination: 21 }).expect(400);
    await post(owner, { parameter_ranges: ranges, iterations_per_combination: 0 }).expect(400);
    await post(owner, { parameter_ranges: ranges, priority: 'urgent' }).expect(400);
  });

  it('when the sweep exceeds BATCH_MAX_CELLS, then 400 with the cell count in the message and nothing is stored', async () => {
    const before = await ctx.db.models.BatchExperiment.count();
    const res = await post(owner, {
      parameter_ranges: { temperature: { min: 0, max: 1, step: 0.1 }, top_p: { values: [0.5, 1] } },
      iterations_per_combination: 3,
    }).expect(400);
    expect(res.body.error.message).toMatch(
      /22 combinations × 3 iterations = 66 cells.*maximum is 50/,
    );
    expect(await ctx.db.models.BatchExperiment.count()).toBe(before);
  });

  it('when another user asks for a batch, its results or its control, then 404', async () => {
    const batch = await createBatch(ctx, owner, { parameter_ranges: { top_p: { values: [1] } } });
    await request(ctx.app)
      .get(`/api/batch-experiments/${batch.id}`)
      .set(stranger.headers)
      .expect(404);
    await request(ctx.app)
      .get(`/api/batch-experiments/${batch.id}/results`)
      .set(stranger.headers)
      .expect(404);
    await request(ctx.app)
      .post(`/api/batch-experiments/${batch.id}/control`)
      .set(stranger.headers)
      .send({ action: 'stop' })
      .expect(404);
    const list = await request(ctx.app)
      .get('/api/batch-experiments')
      .set(stranger.headers)
      .expect(200);
    expect(list.body.data.batch_experiments).toEqual([]);
    expect(
      await closeReason(`${wsUrl}/ws/batch-experiments/${batch.id}?token=${stranger.token}`),
    ).toMatchObject({ code: expect.any(Number) });
    await waitForBatch(ctx, owner, batch.id);
  });

  it('when listing, then pagination, status filter and search work', async () => {
    await createBatch(ctx, owner, {
      name: 'Zebra sweep',
      parameter_ranges: { top_p: { values: [1] } },
    });
    const all = await request(ctx.app)
      .get('/api/batch-experiments?limit=2&sort=name&order=desc')
      .set(owner.headers)
      .expect(200);
    expect(all.body.data.batch_experiments).toHaveLength(2);
    expect(all.body.data.batch_experiments[0].name).toBe('Zebra sweep');
    expect(all.body.data.pagination).toMatchObject({ per_page: 2, current_page: 1 });
    const found = await request(ctx.app)
      .get('/api/batch-experiments?search=zebra')
      .set(owner.headers)
      .expect(200);
    expect(found.body.data.batch_experiments.map((b: any) => b.name)).toEqual(['Zebra sweep']);
    await request(ctx.app)
      .get('/api/batch-experiments?status=bogus')
      .set(owner.headers)
      .expect(400);
    await request(ctx.app).get('/api/batch-experiments?limit=101').set(owner.headers).expect(400);
  });

  it('when a watcher subscribes, then it receives progress, combination and completion events', async () => {
    provider.hold();
    const batch = await createBatch(ctx, owner, {
      parameter_ranges: { temperature: { values: [0.2, 1.2] } },
      iterations_per_combination: 2,
    });
    const client = await connectWs(
      `${wsUrl}/ws/batch-experiments/${batch.id}?token=${owner.token}`,
    );
    await client.waitForMessages(1); // subscribed
    provider.release();
    const deadline = Date.now() + 10_000;
    while (!client.messages.some((m) => m.event === 'batch_completed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const events = client.messages.map((m) => m.event);
    expect(events[0]).toBe('subscribed');
    expect(events.filter((e) => e === 'combination_completed')).toHaveLength(2);
    expect(events).toContain('progress_update');
    // Cells finish concurrently, so only the order of the two completion events is fixed.
    expect(events.indexOf('insights_generated')).toBeLessThan(events.indexOf('batch_completed'));
    const completed = client.messages.find((m) => m.event === 'batch_completed')!;
    expect(completed.data).toMatchObject({ status: 'completed', completed_cells: 4 });
    const insights = client.messages.find((m) => m.event === 'insights_generated')!;
    expect(insights.data.insights.join(' ')).toMatch(/temperature/);
    const progress = client.messages.filter((m) => m.event === 'progress_update').at(-1)!;
    expect(progress.data).toMatchObject({ progress: 100, completed_cells: 4 });
    await client.close();
    await waitForBatch(ctx, owner, batch.id);
  });
});

describe('batch creation rate limit', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(
      { name: 'sqlite' },
      { RATE_LIMIT_ENABLED: 'true', BATCH_RATE_LIMIT_MAX: '2' },
      { workers: true },
    );
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when a user creates more batches than allowed per hour, then 429 RATE_LIMITED', async () => {
    const user = await createUser(ctx);
    const body = { name: 'S', prompt: PROMPT, parameter_ranges: { top_p: { values: [1] } } };
    await request(ctx.app).post('/api/batch-experiments').set(user.headers).send(body).expect(201);
    await request(ctx.app).post('/api/batch-experiments').set(user.headers).send(body).expect(201);
    const res = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send(body)
      .expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    // Reading is not limited by it.
    await request(ctx.app).get('/api/batch-experiments').set(user.headers).expect(200);
  });
});
