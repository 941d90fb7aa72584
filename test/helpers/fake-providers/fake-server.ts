/**
 * A scriptable loopback HTTP server for provider tests. Each route ("POST /v1/chat/completions")
 * has a default behaviour; `enqueue` scripts the next requests (429, then success…). Every
 * request is recorded (method, path, headers, parsed JSON body) and the server tracks how many
 * were in flight at once.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface BehaviourContext {
  body: any;
  res: ServerResponse;
  /** Resolves when the client goes away (abort, timeout) — for behaviours that wait. */
  closed: Promise<void>;
}

export type Behaviour = (ctx: BehaviourContext) => void | Promise<void>;

export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  url = '';
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly queues = new Map<string, Behaviour[]>();
  private readonly defaults: Map<string, Behaviour>;

  private constructor(private readonly initialDefaults: Record<string, Behaviour>) {
    this.defaults = new Map(Object.entries(initialDefaults));
  }

  /** Starts on 127.0.0.1 with an OS-chosen port; `url` is `http://127.0.0.1:<port>`. */
  static async start(defaults: Record<string, Behaviour>): Promise<FakeServer> {
    const fake = new FakeServer(defaults);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.url = `http://127.0.0.1:${port}`;
    return fake;
  }

  /** The next requests to `route` get these behaviours in order, then the default again. */
  enqueue(route: string, ...behaviours: Behaviour[]): void {
    const queue = this.queues.get(route) ?? [];
    queue.push(...behaviours);
    this.queues.set(route, queue);
  }

  /** Replaces the route's default behaviour (every request, not just the next). */
  setDefault(route: string, behaviour: Behaviour): void {
    this.defaults.set(route, behaviour);
  }

  /** Requests to one route, e.g. `requestsTo('POST /v1/messages')`. */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  /** Forgets requests, scripts and counters; restores the defaults. Call in beforeEach. */
  reset(): void {
    this.requests.length = 0;
    this.queues.clear();
    this.defaults.clear();
    for (const [route, behaviour] of Object.entries(this.initialDefaults)) {
      this.defaults.set(route, behaviour);
    }
    this.maxInFlight = 0;
  }

  /** Waits until no request is in flight (a client's abort reaches the server a moment later). */
  async idle(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    // Hanging behaviours keep sockets open; close() alone would wait for them forever.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const closed = new Promise<void>((resolve) => res.once('close', resolve));
    // Done when the answer is fully written ('finish'), or the client left ('close'): whichever
    // comes first, since the client may already hold the whole answer before 'close' fires.
    let counted = true;
    const leave = () => {
      if (counted) this.inFlight -= 1;
      counted = false;
    };
    res.once('finish', leave);
    void closed.then(leave);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body: any = parseBody(text);
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    const route = `${req.method} ${path}`;
    const behaviour = this.queues.get(route)?.shift() ?? this.defaults.get(route);
    if (!behaviour) {
      json(404, { error: { message: `no fake route ${route}` } })({ body, res, closed });
      return;
    }
    try {
      await behaviour({ body, res, closed });
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake server behaviour failed: ${String(error)}`);
    }
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ---- Protocol-agnostic behaviours ----

export function json(status: number, payload: unknown, headers: Record<string, string> = {}) {
  return ({ res }: BehaviourContext) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };
}

/** Any body with any content type: HTML from a proxy, truncated JSON… */
export function raw(status: number, text: string, contentType = 'application/json'): Behaviour {
  return ({ res }) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(text);
  };
}

/** Accepts the request and never answers (until the client gives up or the server closes). */
export function hang(): Behaviour {
  return ({ closed }) => closed;
}

/** Waits `ms` (or until the client leaves), then behaves as `then`. */
export function delayed(ms: number, then: Behaviour): Behaviour {
  return async (ctx) => {
    await Promise.race([new Promise((r) => setTimeout(r, ms)), ctx.closed]);
    if (!ctx.res.destroyed) await then(ctx);
  };
}

/** Writes `pieces` one by one, `gapMs` apart, then ends the response. */
export function streamed(contentType: string, pieces: string[], gapMs = 0): Behaviour {
  return async ({ res }) => {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
    for (const piece of pieces) {
      if (res.destroyed) return;
      res.write(piece);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
    res.end();
  };
}

/** Picks a behaviour by whether the request asked to stream. */
export function byStreamFlag(plain: Behaviour, stream: Behaviour): Behaviour {
  return (ctx) => (ctx.body?.stream === true ? stream(ctx) : plain(ctx));
}
