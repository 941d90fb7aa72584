import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../src/lib/logger.js';
import { MemoryEventBus } from '../../src/realtime/event-bus.js';
import {
  BATCH_EVENTS,
  EXPERIMENT_EVENTS,
  batchEvent,
  experimentEvent,
  type ChannelKind,
} from '../../src/realtime/events.js';
import {
  attachWebSocketServer,
  type WsSecurityEvent,
  type RealtimeServer,
  type WebSocketServerOptions,
} from '../../src/realtime/websocket-server.js';
import type { WsAuth, WsCredential } from '../../src/realtime/ws-handshake.js';
import { closeReason, connectWs, pause } from '../helpers/ws-client.js';

/** Alice (1) owns experiment 10 and batch 7; root is an admin. */
const USERS: Record<string, WsAuth> = {
  alice: { userId: 1, role: 'user' },
  bob: { userId: 2, role: 'user' },
  root: { userId: 3, role: 'admin' },
};
const OWNERS: Record<ChannelKind, Map<number, number>> = {
  experiment: new Map([[10, 1]]),
  batch: new Map([[7, 1]]),
};
const authenticate = async (c: WsCredential) =>
  USERS[c.token ?? ''] ?? (c.apiKey === 'lqa_alice_key' ? USERS.alice : undefined);
const canAccess = async (auth: WsAuth, kind: ChannelKind, id: number) => {
  const owner = OWNERS[kind].get(id);
  return owner !== undefined && (owner === auth.userId || auth.role === 'admin');
};

/** A bare HTTP server: the WebSocket layer alone, with injected authentication and access. */
describe('WebSocket server on a bare HTTP server', () => {
  let http: Server;
  let bus: MemoryEventBus;
  let realtime: RealtimeServer;
  let wsUrl: string;

  async function start(overrides: Partial<WebSocketServerOptions> = {}) {
    http = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    wsUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    bus = new MemoryEventBus();
    realtime = attachWebSocketServer(http, {
      bus,
      authenticate,
      canAccess,
      logger: createLogger('silent'),
      ...overrides,
    });
  }
  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await realtime.close();
    await bus.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('when a batch is watched, then its progress, combinations, insights and completion arrive in order and nothing else', async () => {
    const client = await connectWs(`${wsUrl}/ws/batch-experiments/7?token=alice`);
    const [subscribed] = await client.waitForMessages(1);
    expect(subscribed).toMatchObject({ event: 'subscribed', data: { kind: 'batch', id: 7 } });

    await bus.publish(batchEvent(7, BATCH_EVENTS.PROGRESS_UPDATE, { progress: 50 }));
    // Same id, other kind: experiment 7's channel is not batch 7's.
    await bus.publish(experimentEvent(7, EXPERIMENT_EVENTS.RESPONSE_GENERATED, {}));
    await bus.publish(batchEvent(8, BATCH_EVENTS.PROGRESS_UPDATE, { progress: 1 }));
    await bus.publish(batchEvent(7, BATCH_EVENTS.COMBINATION_COMPLETED, { combination: 3 }));
    await bus.publish(batchEvent(7, BATCH_EVENTS.INSIGHTS_GENERATED, { insights: ['x'] }));
    await bus.publish(batchEvent(7, BATCH_EVENTS.BATCH_COMPLETED, { status: 'completed' }));
    await client.waitForMessages(5);
    await pause(50);

    expect(client.messages.map((m) => [m.event, m.data])).toEqual([
      ['subscribed', { kind: 'batch', id: 7 }],
      ['progress_update', { progress: 50 }],
      ['combination_completed', { combination: 3 }],
      ['insights_generated', { insights: ['x'] }],
      ['batch_completed', { status: 'completed' }],
    ]);
    for (const m of client.messages) expect(Date.parse(m.timestamp)).not.toBeNaN();
    await client.close();
  });

  it('when several clients watch one channel, then each receives every event', async () => {
    const clients = await Promise.all([
      connectWs(`${wsUrl}/ws/experiments/10?token=alice`),
      connectWs(`${wsUrl}/ws/experiments/10?token=root`),
    ]);
    await Promise.all(clients.map((c) => c.waitForMessages(1)));
    expect(realtime.clientCount()).toBe(2);

    await bus.publish(experimentEvent(10, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { n: 1 }));
    for (const c of clients) {
      const [, event] = await c.waitForMessages(2);
      expect(event).toMatchObject({ event: 'response_generated', data: { n: 1 } });
    }
    await Promise.all(clients.map((c) => c.close()));
    await pause(20);
    expect(realtime.clientCount()).toBe(0);
    // Publishing to a channel whose clients left is harmless.
    await bus.publish(experimentEvent(10, EXPERIMENT_EVENTS.RESPONSE_GENERATED, { n: 2 }));
  });

  it('when an API key is offered as the subprotocol pair [api_key, key], then it is accepted', async () => {
    const client = await connectWs(`${wsUrl}/ws/experiments/10`, {
      protocols: ['api_key', 'lqa_alice_key'],
    });
    expect(client.ws.protocol).toBe('api_key');
    expect((await client.waitForMessages(1))[0]!.event).toBe('subscribed');
    await client.close();
  });

  it('when another user asks for a batch, then the socket closes with 4404 naming the batch', async () => {
    expect(await closeReason(`${wsUrl}/ws/batch-experiments/7?token=bob`)).toEqual({
      code: 4404,
      reason: 'batch experiment 7 not found',
    });
  });

  it('when a subscription is refused for a rejected token or a foreign channel, then a security event names the path without the token; a missing token raises none', async () => {
    const events: WsSecurityEvent[] = [];
    await realtime.close();
    realtime = attachWebSocketServer(http, {
      bus,
      authenticate,
      canAccess,
      logger: createLogger('silent'),
      onSecurityEvent: (event) => events.push(event),
    });

    expect((await closeReason(`${wsUrl}/ws/experiments/1?token=forged-secret`)).code).toBe(4401);
    expect((await closeReason(`${wsUrl}/ws/batch-experiments/7?token=bob`)).code).toBe(4404);
    expect((await closeReason(`${wsUrl}/ws/experiments/1`)).code).toBe(4401);

    expect(events).toEqual([
      {
        type: 'credentials_rejected',
        path: '/ws/experiments/1',
        ip: expect.any(String),
        code: 4401,
      },
      {
        type: 'resource_not_found',
        path: '/ws/batch-experiments/7',
        ip: expect.any(String),
        code: 4404,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('forged-secret');
  });

  it('when the client sends text that is not JSON, then it gets an error message and stays connected', async () => {
    const client = await connectWs(`${wsUrl}/ws/experiments/10?token=alice`);
    await client.waitForMessages(1);
    client.ws.send(JSON.stringify({ hello: 'server' }));
    client.ws.send('not json');
    const [, error] = await client.waitForMessages(2);
    expect(error).toMatchObject({ event: 'error', data: { message: expect.any(String) } });
    expect(client.messages).toHaveLength(2);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await client.close();
  });

  it('when the access check fails unexpectedly, then the socket closes with 1011 and the server keeps serving', async () => {
    await realtime.close();
    realtime = attachWebSocketServer(http, {
      bus,
      authenticate,
      canAccess: async () => {
        throw new Error('database down');
      },
      logger: createLogger('silent'),
    });
    expect(await closeReason(`${wsUrl}/ws/experiments/10?token=alice`)).toEqual({
      code: 1011,
      reason: 'internal error',
    });
  });

  it('when the client leaves during the access check, then nothing breaks', async () => {
    await realtime.close();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    realtime = attachWebSocketServer(http, {
      bus,
      authenticate,
      canAccess: async (...args) => {
        await gate;
        return canAccess(...args);
      },
      logger: createLogger('silent'),
    });
    const ws = new WebSocket(`${wsUrl}/ws/experiments/10?token=alice`);
    ws.on('error', () => {});
    await pause(50);
    ws.terminate();
    await pause(20);
    release();
    await pause(50);
    expect(realtime.clientCount()).toBe(0);
  });

  it('when the server closes, then clients are closed with 1001 and later events go nowhere', async () => {
    const client = await connectWs(`${wsUrl}/ws/experiments/10?token=alice`);
    await client.waitForMessages(1);

    await realtime.close();

    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(realtime.clientCount()).toBe(0);
    await bus.publish(experimentEvent(10, EXPERIMENT_EVENTS.RESPONSE_GENERATED, {}));
    expect(client.messages).toHaveLength(1);
  });
});
