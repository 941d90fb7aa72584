import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChannelKind } from './events.js';

/**
 * Close codes sent after the handshake. 4000–4999 are the application's range (RFC 6455
 * §7.4.2); the last three digits mirror the HTTP status the same mistake gets from the API.
 */
export const WS_CLOSE = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** An unexpected server failure (e.g. the database was down during the access check). */
  INTERNAL_ERROR: 1011,
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  NOT_FOUND: 4404,
} as const;

/** Credentials a client can present: `?token=`/`?api_key=`, or the subprotocol pair. */
export interface WsCredential {
  token?: string;
  apiKey?: string;
}

/** Who the socket belongs to. */
export interface WsAuth {
  userId: number;
  role: 'admin' | 'user';
}

/** The subprotocols that carry a credential: `['bearer', jwt]` or `['api_key', key]`. */
export const BEARER_PROTOCOL = 'bearer';
export const API_KEY_PROTOCOL = 'api_key';

const ROUTE = /^\/ws\/(experiments|batch-experiments)\/([^/]+)\/?$/;
const MAX_ID = 2_147_483_647;

export interface WsRoute {
  kind: ChannelKind;
  /** The id as a positive integer, or undefined when the path segment is not one. */
  id: number | undefined;
}

/** Matches `/ws/experiments/:id` and `/ws/batch-experiments/:id`; anything else is undefined. */
export function matchRoute(pathname: string): WsRoute | undefined {
  const match = ROUTE.exec(pathname);
  if (!match) return undefined;
  const raw = match[2]!;
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : NaN;
  return {
    kind: match[1] === 'experiments' ? 'experiment' : 'batch',
    id: Number.isSafeInteger(id) && id <= MAX_ID ? id : undefined,
  };
}

/** `Sec-WebSocket-Protocol` as the ordered list the client offered. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The credential of an upgrade request. Browsers cannot set headers on a WebSocket, so it
 * comes from the query string or from the subprotocols (`new WebSocket(url, ['bearer', jwt])`,
 * which keeps the token out of URLs and access logs).
 */
export function readCredential(url: URL, protocols: readonly string[]): WsCredential {
  const token = url.searchParams.get('token');
  if (token) return { token };
  const apiKey = url.searchParams.get('api_key');
  if (apiKey) return { apiKey };
  const bearer = protocols.indexOf(BEARER_PROTOCOL);
  const bearerValue = bearer >= 0 ? protocols[bearer + 1] : undefined;
  if (bearerValue) return { token: bearerValue };
  const key = protocols.indexOf(API_KEY_PROTOCOL);
  const keyValue = key >= 0 ? protocols[key + 1] : undefined;
  if (keyValue) return { apiKey: keyValue };
  return {};
}

/** The protocol the server echoes: the marker the credential came with, if any. */
export function chooseProtocol(protocols: ReadonlySet<string>): string | false {
  if (protocols.has(BEARER_PROTOCOL)) return BEARER_PROTOCOL;
  if (protocols.has(API_KEY_PROTOCOL)) return API_KEY_PROTOCOL;
  return false;
}

/**
 * Refuses an upgrade with a plain HTTP 404 in the API's error envelope: a path with no
 * WebSocket endpoint has nothing to accept and then close.
 */
export function rejectNotFound(socket: Duplex, message: string): void {
  const body = JSON.stringify({
    success: false,
    error: {
      code: 'NOT_FOUND',
      message,
      timestamp: new Date().toISOString(),
      request_id: randomUUID(),
    },
  });
  if (socket.writable) {
    socket.end(
      'HTTP/1.1 404 Not Found\r\n' +
        'Connection: close\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  // Give the answer a moment to leave, then make sure the socket does not linger.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Adapts the app's authenticator (`verifyToken`/`verifyApiKey`) to the server's option. */
export function authenticateWith(authenticator: {
  verifyToken(token: string): Promise<WsAuth | { rejected: string }>;
  verifyApiKey(key: string): Promise<WsAuth | { rejected: string }>;
}): (credential: WsCredential) => Promise<WsAuth | undefined> {
  return async (credential) => {
    const outcome = credential.token
      ? await authenticator.verifyToken(credential.token)
      : credential.apiKey
        ? await authenticator.verifyApiKey(credential.apiKey)
        : undefined;
    if (!outcome || 'rejected' in outcome) return undefined;
    return { userId: outcome.userId, role: outcome.role };
  };
}
