import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from './event-bus.js';
import { channelKey, type ChannelKind, type DomainEvent } from './events.js';
import {
  chooseProtocol,
  matchRoute,
  offeredProtocols,
  readCredential,
  rejectNotFound,
  WS_CLOSE,
  type WsAuth,
  type WsCredential,
  type WsRoute,
} from './ws-handshake.js';

/** Options of {@link attachWebSocketServer}. */
export interface WebSocketServerOptions {
  /** Where domain events come from; the server only subscribes. */
  bus: EventBus;
  /** Resolves a credential to its user, or undefined when it is missing or rejected. */
  authenticate: (credential: WsCredential) => Promise<WsAuth | undefined>;
  /** Whether the user may watch this experiment or batch (owner or admin, and it exists). */
  canAccess: (auth: WsAuth, kind: ChannelKind, id: number) => Promise<boolean>;
  logger: Logger;
  /**
   * Told of refused subscriptions that matter for security: rejected credentials (4401) and
   * channels that do not exist or belong to someone else (4404). Default: a `security_event`
   * warn line on `logger`, like the HTTP side's.
   */
  onSecurityEvent?: (event: WsSecurityEvent) => void;
  /** How often clients are pinged; a client that has not answered the previous ping is dropped. Default 30 000. */
  pingIntervalMs?: number;
}

/** A refused WebSocket subscription worth a security log line. */
export interface WsSecurityEvent {
  type: 'credentials_rejected' | 'resource_not_found';
  /** The request path (never the query, which may hold a token). */
  path: string;
  ip: string | undefined;
  /** The close code sent (4401 or 4404). */
  code: number;
}

export interface RealtimeServer {
  /** Closes every client with 1001, stops pinging and detaches from the HTTP server. */
  close(): Promise<void>;
  /** Clients currently subscribed to a channel. */
  clientCount(): number;
}

/** Outgoing message shape: `{ event, data, timestamp }`. */
export interface WsMessage {
  event: string;
  data: unknown;
  timestamp: string;
}

const DEFAULT_PING_INTERVAL_MS = 30_000;
/** Clients only ever need to send tiny messages; anything larger closes with 1009. */
const MAX_CLIENT_PAYLOAD_BYTES = 4096;
/** How long `close()` waits for close handshakes before cutting sockets. */
const CLOSE_GRACE_MS = 1000;

type Verdict =
  | { ok: true; kind: ChannelKind; id: number; auth: WsAuth }
  | { ok: false; code: number; reason: string };

const LABEL: Record<ChannelKind, string> = { experiment: 'experiment', batch: 'batch experiment' };

/**
 * Serves `/ws/experiments/:id` and `/ws/batch-experiments/:id` on the API's own HTTP server
 * and forwards every bus event of a channel to that channel's clients. Problems after the
 * path (credentials, access, id) are reported by accepting and then closing with 4401 / 4404
 * / 4400 and a readable reason, because browsers hide the status of a refused handshake.
 */
export function attachWebSocketServer(
  httpServer: Server,
  options: WebSocketServerOptions,
): RealtimeServer {
  const { bus, logger } = options;
  const onSecurityEvent =
    options.onSecurityEvent ??
    ((event: WsSecurityEvent) =>
      logger.warn(
        { security_event: event.type, ip: event.ip, route: event.path, status: event.code },
        `security event: ${event.type}`,
      ));
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_PAYLOAD_BYTES,
    handleProtocols: (protocols) => chooseProtocol(protocols),
  });
  const channels = new Map<string, Set<WebSocket>>();
  /** Subscribed clients and whether each answered the last ping. */
  const clients = new Map<WebSocket, { alive: boolean }>();
  let closing = false;

  async function decide(route: WsRoute, credential: WsCredential): Promise<Verdict> {
    const auth = await options.authenticate(credential);
    if (!auth) {
      const given = credential.token !== undefined || credential.apiKey !== undefined;
      return {
        ok: false,
        code: WS_CLOSE.UNAUTHORIZED,
        reason: given
          ? 'authentication failed: invalid or expired token or API key'
          : 'authentication required: pass ?token=<jwt> or Sec-WebSocket-Protocol: bearer, <jwt>',
      };
    }
    const label = LABEL[route.kind];
    if (route.id === undefined) {
      return {
        ok: false,
        code: WS_CLOSE.BAD_REQUEST,
        reason: `invalid ${label} id: expected a positive integer`,
      };
    }
    // Someone else's experiment is "not found", as over HTTP: existence is not disclosed.
    if (!(await options.canAccess(auth, route.kind, route.id))) {
      return { ok: false, code: WS_CLOSE.NOT_FOUND, reason: `${label} ${route.id} not found` };
    }
    return { ok: true, kind: route.kind, id: route.id, auth };
  }

  function subscribe(ws: WebSocket, kind: ChannelKind, id: number, auth: WsAuth): void {
    const key = channelKey({ kind, id });
    const members = channels.get(key) ?? new Set<WebSocket>();
    channels.set(key, members);
    members.add(ws);
    clients.set(ws, { alive: true });
    ws.on('pong', () => {
      const state = clients.get(ws);
      if (state) state.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => onClientMessage(ws, data, isBinary));
    ws.on('close', () => {
      clients.delete(ws);
      members.delete(ws);
      if (members.size === 0 && channels.get(key) === members) channels.delete(key);
      logger.debug({ kind, id, userId: auth.userId }, 'websocket client left');
    });
    // Registered before this message goes out: an event published after the client sees
    // `subscribed` is guaranteed to reach it.
    send(ws, { event: 'subscribed', data: { kind, id }, timestamp: new Date().toISOString() });
    logger.debug({ kind, id, userId: auth.userId }, 'websocket client subscribed');
  }

  /** Clients have nothing to say yet: JSON is ignored, anything else gets an error message. */
  function onClientMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      try {
        JSON.parse(data.toString());
        return;
      } catch {
        // fall through
      }
    }
    send(ws, {
      event: 'error',
      data: { message: 'messages must be JSON text; this channel only sends events' },
      timestamp: new Date().toISOString(),
    });
  }

  async function admit(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    route: WsRoute,
  ): Promise<void> {
    // Until ws owns the socket, a reset during the (async) checks must not crash the process.
    const ignore = () => {};
    socket.on('error', ignore);
    let verdict: Verdict;
    const credential = readCredential(url, offeredProtocols(req));
    // Like the HTTP side: a missing credential is a mistake, a rejected one a security event.
    const offered = Boolean(credential.token ?? credential.apiKey);
    try {
      verdict = await decide(route, credential);
    } catch (err) {
      logger.error({ err, path: url.pathname }, 'websocket admission failed');
      verdict = { ok: false, code: WS_CLOSE.INTERNAL_ERROR, reason: 'internal error' };
    }
    socket.off('error', ignore);
    if (closing) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => logger.debug({ err }, 'websocket client error'));
      if (!verdict.ok) {
        logger.debug({ path: url.pathname, code: verdict.code }, 'websocket refused');
        const type =
          verdict.code === WS_CLOSE.UNAUTHORIZED && offered
            ? 'credentials_rejected'
            : verdict.code === WS_CLOSE.NOT_FOUND
              ? 'resource_not_found'
              : undefined;
        if (type) {
          onSecurityEvent({
            type,
            path: url.pathname,
            ip: req.socket.remoteAddress,
            code: verdict.code,
          });
        }
        ws.close(verdict.code, verdict.reason);
        return;
      }
      subscribe(ws, verdict.kind, verdict.id, verdict.auth);
    });
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // The path only: the query may hold a token, which must not reach logs.
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = matchRoute(url.pathname);
    if (!route) {
      rejectNotFound(
        socket,
        'No WebSocket endpoint here: use /ws/experiments/:id or /ws/batch-experiments/:id',
      );
      return;
    }
    void admit(req, socket, head, url, route);
  }

  const unsubscribe = bus.subscribe((event: DomainEvent) => {
    const members = channels.get(channelKey(event.channel));
    if (!members || members.size === 0) return;
    const message = serialize({
      event: event.type,
      data: event.data ?? null,
      timestamp: event.timestamp,
    });
    for (const ws of members) if (ws.readyState === WebSocket.OPEN) ws.send(message);
  });

  const heartbeat = setInterval(() => {
    for (const [ws, state] of clients) {
      if (!state.alive) {
        logger.debug('websocket client did not answer ping; dropping it');
        ws.terminate();
        continue;
      }
      state.alive = false;
      ws.ping();
    }
  }, pingIntervalMs);
  heartbeat.unref();

  httpServer.on('upgrade', onUpgrade);

  return {
    clientCount: () => clients.size,
    close: async () => {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      unsubscribe();
      httpServer.off('upgrade', onUpgrade);
      await Promise.all([...clients.keys()].map((ws) => closeClient(ws)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function serialize(message: WsMessage): string {
  return JSON.stringify(message);
}

function send(ws: WebSocket, message: WsMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(serialize(message));
}

/** Closes with 1001 and waits for the handshake, cutting the socket if the client is gone. */
function closeClient(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(WS_CLOSE.GOING_AWAY, 'server shutting down');
  });
}
