import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { authenticateWith } from '../../src/realtime/ws-handshake.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { listen } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { closeReason, connectWs } from '../helpers/ws-client.js';

/** The app's own event bus and access check behind the WebSocket server, wired as server.ts does. */
describe.each(testDatabaseKinds())('live generation events over WebSocket on $name', (kind) => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof listen>>;
  let realtime: RealtimeServer;
  let owner: TestUser;
  let wsUrl: string;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    server = await listen(ctx.app);
    wsUrl = server.url.replace(/^http/, 'ws');
    realtime = attachWebSocketServer(server.server, {
      bus: ctx.services.events,
      authenticate: authenticateWith(ctx.services.auth),
      canAccess: ctx.services.canWatch,
      logger: createLogger('silent'),
    });
    owner = await createUser(ctx);
  });
  afterAll(async () => {
    await realtime?.close();
    await server?.close();
    await ctx?.close();
  });

  it('when responses are generated over HTTP, then a watcher receives each response, its scores, and the completion', async () => {
    const experiment = await createExperiment(ctx, owner);
    const client = await connectWs(`${wsUrl}/ws/experiments/${experiment.id}?token=${owner.token}`);
    await client.waitForMessages(1);

    await request(ctx.app)
      .post('/api/responses/generate')
      .set(owner.headers)
      .send({ experiment_id: experiment.id, count: 2 })
      .expect(200);
    const messages = await client.waitForMessages(6);
    await client.close();

    const events = messages.map((m) => m.event);
    expect(events[0]).toBe('subscribed');
    expect(events.filter((e) => e === 'response_generated')).toHaveLength(2);
    expect(events.filter((e) => e === 'quality_calculated')).toHaveLength(2);
    expect(events.at(-1)).toBe('experiment_completed');
    const generated = messages.find((m) => m.event === 'response_generated')!;
    expect(generated.data.response).toMatchObject({
      experiment_id: experiment.id,
      status: 'completed',
    });
    const scored = messages.find((m) => m.event === 'quality_calculated')!;
    expect(scored.data.metrics.metrics.overall_quality).toEqual(expect.any(Number));
    // Each response is announced before its scores.
    for (const m of messages.filter((x) => x.event === 'quality_calculated')) {
      const announced = messages.findIndex(
        (x) => x.event === 'response_generated' && x.data.response.id === m.data.response_id,
      );
      expect(announced).toBeGreaterThan(0);
      expect(announced).toBeLessThan(messages.indexOf(m));
    }
    expect(messages.at(-1)!.data).toMatchObject({
      status: 'completed',
      total_generated: 2,
      total_errors: 0,
    });
    expect(new Date(messages.at(-1)!.timestamp).toISOString()).toBe(messages.at(-1)!.timestamp);
  });

  it("when someone else's experiment is watched, then the socket closes with 4404", async () => {
    const experiment = await createExperiment(ctx, owner);
    const stranger = await createUser(ctx);
    const url = `${wsUrl}/ws/experiments/${experiment.id}?token=${stranger.token}`;
    expect(await closeReason(url)).toMatchObject({ code: 4404 });
  });
});
