import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { RedisEventBus } from '../../src/realtime/event-bus.js';
import {
  BATCH_EVENTS,
  EXPERIMENT_EVENTS,
  batchEvent,
  experimentEvent,
} from '../../src/realtime/events.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { connectWs, pause } from '../helpers/ws-client.js';

const redisUrl = process.env.TEST_REDIS_URL;

/** One API process: an HTTP server with its own Redis bus and WebSocket server. */
interface ApiProcess {
  http: Server;
  bus: RedisEventBus;
  realtime: RealtimeServer;
  wsUrl: string;
  errors: string[];
}

async function startApiProcess(url: string, channel: string): Promise<ApiProcess> {
  const errors: string[] = [];
  const bus = new RedisEventBus({ url, channel, onError: (_err, context) => errors.push(context) });
  const http = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const realtime = attachWebSocketServer(http, {
    bus,
    authenticate: async (c) => (c.token === 'alice' ? { userId: 1, role: 'user' } : undefined),
    canAccess: async (auth, _kind, id) => auth.userId === 1 && id === 5,
    logger: createLogger('silent'),
  });
  await bus.ready();
  return {
    http,
    bus,
    realtime,
    errors,
    wsUrl: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
  };
}

async function stopApiProcess(api: ApiProcess | undefined): Promise<void> {
  if (!api) return;
  await api.realtime.close();
  await api.bus.close();
  api.http.closeAllConnections();
  await new Promise<void>((resolve) => api.http.close(() => resolve()));
}

/** Redis pub/sub carries events from a worker process to the WebSocket clients of every API process. */
describe.skipIf(!redisUrl)('real-time events over Redis pub/sub', () => {
  // A channel of this file's own, so parallel test files and running servers do not mix.
  const channel = `lqa:events:test:${randomBytes(4).toString('hex')}`;
  let first: ApiProcess;
  let second: ApiProcess;
  let worker: RedisEventBus;
  let raw: Redis;

  beforeAll(async () => {
    first = await startApiProcess(redisUrl!, channel);
    second = await startApiProcess(redisUrl!, channel);
    // The worker only publishes: it never opens a subscriber connection.
    worker = new RedisEventBus({ url: redisUrl!, channel });
    raw = new Redis(redisUrl!);
  });
  afterAll(async () => {
    await stopApiProcess(first);
    await stopApiProcess(second);
    await worker?.close();
    await raw?.quit();
  });

  it("when a worker publishes, then clients of every API process receive the events in the worker's order", async () => {
    const clients = await Promise.all([
      connectWs(`${first.wsUrl}/ws/experiments/5?token=alice`),
      connectWs(`${second.wsUrl}/ws/experiments/5?token=alice`),
    ]);
    await Promise.all(clients.map((c) => c.waitForMessages(1)));

    const published = Array.from({ length: 30 }, (_, i) =>
      experimentEvent(5, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { response_id: i + 1 }),
    );
    published.push(experimentEvent(5, EXPERIMENT_EVENTS.EXPERIMENT_COMPLETED, { total: 30 }));
    published.push(experimentEvent(6, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { response_id: 99 }));
    // Fired without awaiting each one, as a busy worker would.
    await Promise.all(published.map((event) => worker.publish(event)));

    for (const client of clients) {
      const messages = await client.waitForMessages(32);
      expect(messages.slice(1).map((m) => [m.event, m.data])).toEqual([
        ...published.slice(0, 30).map((e) => ['response_generated', e.data]),
        ['experiment_completed', { total: 30 }],
      ]);
      expect(messages[1]!.timestamp).toBe(published[0]!.timestamp);
    }
    await pause(50);
    // Experiment 6's event reached no one here.
    for (const client of clients) expect(client.messages).toHaveLength(32);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('when something else writes garbage to the channel, then it is skipped and later events still arrive', async () => {
    const client = await connectWs(`${first.wsUrl}/ws/batch-experiments/5?token=alice`);
    await client.waitForMessages(1);

    await raw.publish(channel, 'not json');
    await raw.publish(channel, JSON.stringify({ type: 'progress_update', channel: { kind: 'x' } }));
    await worker.publish(batchEvent(5, BATCH_EVENTS.PROGRESS_UPDATE, { progress: 40 }));

    const [, event] = await client.waitForMessages(2);
    expect(event).toMatchObject({ event: 'progress_update', data: { progress: 40 } });
    expect(first.errors.filter((e) => e === 'malformed event ignored')).toHaveLength(2);
    await client.close();
  });

  it('when an event carries no data, then it still crosses Redis, with data null', async () => {
    const client = await connectWs(`${second.wsUrl}/ws/experiments/5?token=alice`);
    await client.waitForMessages(1);
    await worker.publish({
      type: EXPERIMENT_EVENTS.EXPERIMENT_COMPLETED,
      channel: { kind: 'experiment', id: 5 },
      data: undefined,
      timestamp: new Date().toISOString(),
    });
    const [, event] = await client.waitForMessages(2);
    expect(event).toMatchObject({ event: 'experiment_completed', data: null });
    await client.close();
  });

  it('when a bus uses another channel, then it does not receive these events', async () => {
    const other = new RedisEventBus({ url: redisUrl!, channel: `${channel}:other` });
    const seen: string[] = [];
    other.subscribe((e) => seen.push(e.type));
    await other.ready();
    await worker.publish(experimentEvent(5, EXPERIMENT_EVENTS.ERROR_OCCURRED, {}));
    await pause(100);
    expect(seen).toEqual([]);
    await other.close();
  });
});
