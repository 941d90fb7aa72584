import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { ExperimentsRepository } from '../../src/modules/experiments/experiments.repository.js';
import { MemoryEventBus } from '../../src/realtime/event-bus.js';
import { EXPERIMENT_EVENTS, experimentEvent } from '../../src/realtime/events.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { authenticateWith, type WsAuth } from '../../src/realtime/ws-handshake.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { listen } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { closeReason, connectWs, pause, rejectedUpgradeStatus } from '../helpers/ws-client.js';

const PING_INTERVAL_MS = 150;

/** The real app and its auth service behind the WebSocket server, as server.ts wires them. */
describe.each(testDatabaseKinds())('WebSocket experiment channel on $name', (kind) => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof listen>>;
  let realtime: RealtimeServer;
  let bus: MemoryEventBus;
  let owner: TestUser;
  let stranger: TestUser;
  let wsUrl: string;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    server = await listen(ctx.app);
    wsUrl = server.url.replace(/^http/, 'ws');
    bus = new MemoryEventBus();
    const experiments = new ExperimentsRepository(ctx.db);
    realtime = attachWebSocketServer(server.server, {
      bus,
      authenticate: authenticateWith(ctx.services.auth),
      canAccess: async (auth: WsAuth, channel, id) =>
        channel === 'experiment' &&
        (await experiments.findById(
          { userId: auth.userId, isAdmin: auth.role === 'admin' },
          id,
          'list',
        )) !== undefined,
      logger: createLogger('silent'),
      pingIntervalMs: PING_INTERVAL_MS,
    });
    owner = await createUser(ctx);
    stranger = await createUser(ctx);
  });
  afterAll(async () => {
    // WebSockets first: an HTTP server does not finish closing while upgraded sockets live.
    await realtime?.close();
    await bus?.close();
    await server?.close();
    await ctx?.close();
  });

  it('when the owner subscribes, then it is told so and receives its events in order as {event, data, timestamp}', async () => {
    const experiment = await createExperiment(ctx, owner);
    const other = await createExperiment(ctx, owner);
    const client = await connectWs(`${wsUrl}/ws/experiments/${experiment.id}?token=${owner.token}`);
    const [subscribed] = await client.waitForMessages(1);
    expect(subscribed).toEqual({
      event: 'subscribed',
      data: { kind: 'experiment', id: experiment.id },
      timestamp: expect.any(String),
    });

    const at = new Date('2030-01-02T03:04:05.000Z');
    await bus.publish(
      experimentEvent(experiment.id, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { response_id: 1 }, at),
    );
    await bus.publish(experimentEvent(other.id, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { x: 1 }));
    await bus.publish(
      experimentEvent(experiment.id, EXPERIMENT_EVENTS.QUALITY_CALCULATED, { overall: 81.5 }, at),
    );
    await bus.publish(
      experimentEvent(experiment.id, EXPERIMENT_EVENTS.EXPERIMENT_COMPLETED, { total: 1 }, at),
    );
    const messages = await client.waitForMessages(4);
    await pause(50);

    expect(messages.slice(1)).toEqual([
      { event: 'response_generated', data: { response_id: 1 }, timestamp: at.toISOString() },
      { event: 'quality_calculated', data: { overall: 81.5 }, timestamp: at.toISOString() },
      { event: 'experiment_completed', data: { total: 1 }, timestamp: at.toISOString() },
    ]);
    // The other experiment's event never reached this client.
    expect(client.messages).toHaveLength(4);
    expect(realtime.clientCount()).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it('when no credential is given, then the socket is closed with 4401 and says how to authenticate', async () => {
    const experiment = await createExperiment(ctx, owner);
    const closed = await closeReason(`${wsUrl}/ws/experiments/${experiment.id}`);
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/^authentication required: pass \?token=/);
  });

  it('when the token is invalid, then the socket is closed with 4401', async () => {
    const experiment = await createExperiment(ctx, owner);
    const closed = await closeReason(
      `${wsUrl}/ws/experiments/${experiment.id}?token=nope.nope.nope`,
    );
    expect(closed).toEqual({ code: 4401, reason: expect.stringMatching(/authentication failed/) });
  });

  it("when a user asks for another user's experiment or an unknown one, then both close with 4404 not found", async () => {
    const experiment = await createExperiment(ctx, owner);
    const foreign = await closeReason(
      `${wsUrl}/ws/experiments/${experiment.id}?token=${stranger.token}`,
    );
    const unknown = await closeReason(`${wsUrl}/ws/experiments/99999999?token=${stranger.token}`);
    expect(foreign).toEqual({ code: 4404, reason: `experiment ${experiment.id} not found` });
    expect(unknown).toEqual({ code: 4404, reason: 'experiment 99999999 not found' });
  });

  it('when the id is not a positive integer, then the socket is closed with 4400', async () => {
    for (const id of ['abc', '0', '-3', '1.5', '99999999999']) {
      const closed = await closeReason(`${wsUrl}/ws/experiments/${id}?token=${owner.token}`);
      expect(closed).toEqual({
        code: 4400,
        reason: 'invalid experiment id: expected a positive integer',
      });
    }
  });

  it("when an admin subscribes to another user's experiment, then it receives its events", async () => {
    const admin = await createUser(ctx, { role: 'admin' });
    const experiment = await createExperiment(ctx, owner);
    const client = await connectWs(`${wsUrl}/ws/experiments/${experiment.id}?token=${admin.token}`);
    await client.waitForMessages(1);
    await bus.publish(
      experimentEvent(experiment.id, EXPERIMENT_EVENTS.ERROR_OCCURRED, { message: 'boom' }),
    );
    const [, event] = await client.waitForMessages(2);
    expect(event).toMatchObject({ event: 'error_occurred', data: { message: 'boom' } });
    await client.close();
  });

  it('when the path is not a WebSocket endpoint, then the upgrade is refused with HTTP 404', async () => {
    for (const path of ['/ws/unknown/1', '/ws/experiments', '/api/experiments/1', '/']) {
      const { status, body } = await rejectedUpgradeStatus(`${wsUrl}${path}?token=${owner.token}`);
      expect(status).toBe(404);
      expect(JSON.parse(body)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('when the token comes as the subprotocol pair [bearer, token], then it is accepted and "bearer" is echoed', async () => {
    const experiment = await createExperiment(ctx, owner);
    const client = await connectWs(`${wsUrl}/ws/experiments/${experiment.id}`, {
      protocols: ['bearer', owner.token],
    });
    expect(client.ws.protocol).toBe('bearer');
    const [subscribed] = await client.waitForMessages(1);
    expect(subscribed!.event).toBe('subscribed');
    await client.close();
  });

  it('when an API key is passed as ?api_key=, then the owner is subscribed', async () => {
    const experiment = await createExperiment(ctx, owner);
    const res = await request(ctx.app).post('/api/auth/api-key').set(owner.headers).expect(201);
    const client = await connectWs(
      `${wsUrl}/ws/experiments/${experiment.id}?api_key=${encodeURIComponent(res.body.data.api_key)}`,
    );
    const [subscribed] = await client.waitForMessages(1);
    expect(subscribed!.data).toEqual({ kind: 'experiment', id: experiment.id });
    await client.close();
  });

  it('when a client stops answering pings, then it is dropped while a live client stays', async () => {
    const experiment = await createExperiment(ctx, owner);
    const url = `${wsUrl}/ws/experiments/${experiment.id}?token=${owner.token}`;
    const live = await connectWs(url);
    const dead = await connectWs(url, { clientOptions: { autoPong: false } });
    await Promise.all([live.waitForMessages(1), dead.waitForMessages(1)]);

    const closed = await dead.closed;
    // Terminated without a close frame: the client sees an abnormal closure.
    expect(closed.code).toBe(1006);
    await pause(PING_INTERVAL_MS * 2);
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    await live.close();
  });
});
