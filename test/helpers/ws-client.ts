import { WebSocket, type ClientOptions } from 'ws';

export interface WsTestMessage {
  event: string;
  data: any;
  timestamp: string;
}

export interface WsTestClient {
  ws: WebSocket;
  /** Every JSON message received so far, in order. */
  messages: WsTestMessage[];
  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<WsTestMessage[]>;
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/**
 * Connects a real `ws` client and records what it receives. Resolves once the socket is open
 * (a server that accepts and then closes still opens first); rejects on a refused handshake.
 */
export function connectWs(
  url: string,
  options: { protocols?: string[]; clientOptions?: ClientOptions } = {},
): Promise<WsTestClient> {
  const ws = new WebSocket(url, options.protocols ?? [], options.clientOptions);
  const messages: WsTestMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as WsTestMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters) wake();
    }),
  );
  const client: WsTestClient = {
    ws,
    messages,
    closed,
    waitForMessages: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            cleanup();
            resolve(messages.slice(0, count));
          } else if (ws.readyState === WebSocket.CLOSED) {
            cleanup();
            reject(new Error(`socket closed after ${messages.length} of ${count} messages`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out with ${messages.length} of ${count} messages`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    // Before `open`: a refused handshake; after it, errors surface as the close code.
    ws.on('error', reject);
  });
}

/** Opens a socket and returns how the server closed it (for refused subscriptions). */
export async function closeReason(
  url: string,
  protocols?: string[],
): Promise<{ code: number; reason: string }> {
  const client = await connectWs(url, protocols ? { protocols } : {});
  return client.closed;
}

/** The HTTP status of a handshake the server refuses before upgrading. */
export function rejectedUpgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        ws.terminate();
      });
    });
    ws.on('error', (err) => reject(err));
  });
}

/** Resolves after `ms`; for asserting that nothing arrives. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
