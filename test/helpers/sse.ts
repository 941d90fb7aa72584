import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createServer, type Server } from 'node:http';

export interface SseEvent {
  event: string;
  data: any;
}

/** Serves the app on a real loopback port (SSE needs a real socket, not supertest's buffer). */
export async function listen(
  app: Express,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * POSTs JSON and reads the Server-Sent Events answer as it arrives. `stopAfter` lets a test
 * disconnect mid-stream (returns the events seen so far).
 */
export function postForEvents(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  stopAfter?: (event: SseEvent, all: SseEvent[]) => boolean,
): Promise<{ status: number; contentType: string; events: SseEvent[] }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          Accept: 'text/event-stream',
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const events: SseEvent[] = [];
        let buffer = '';
        const finish = () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type']),
            events,
          });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let split: number;
          while ((split = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, split);
            buffer = buffer.slice(split + 2);
            const lines = block.split('\n');
            const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
            const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
            if (!event || data === undefined) continue;
            const parsed: SseEvent = { event, data: JSON.parse(data) };
            events.push(parsed);
            if (stopAfter?.(parsed, events)) {
              req.destroy();
              finish();
              return;
            }
          }
        });
        res.on('end', finish);
        res.on('error', () => finish());
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(payload);
  });
}
