import type { Request, Response } from 'express';

/** A Server-Sent Events channel on one response; `closed` turns true when the client leaves. */
export interface SseChannel {
  send(event: string, data: unknown): void;
  end(): void;
  readonly signal: AbortSignal;
}

/** Whether the client asked for an event stream rather than JSON. */
export function wantsEventStream(req: Request): boolean {
  return (req.get('accept') ?? '').includes('text/event-stream');
}

/**
 * Opens an SSE stream. The returned signal aborts when the client disconnects, so the work
 * behind the stream can stop instead of paying for tokens nobody reads.
 */
export function openSse(req: Request, res: Response): SseChannel {
  const controller = new AbortController();
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // Tells nginx-style proxies not to buffer the stream.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write(`: stream ${req.id}\n\n`);
  res.on('close', () => {
    if (!res.writableEnded) controller.abort(new Error('client disconnected'));
  });
  return {
    signal: controller.signal,
    send(event, data) {
      if (res.writableEnded || controller.signal.aborted) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}
