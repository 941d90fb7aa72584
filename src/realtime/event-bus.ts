import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { DomainEventSchema, type DomainEvent } from './events.js';

export type EventHandler = (event: DomainEvent) => void;

/**
 * Carries domain events from the services and job handlers that raise them to the WebSocket
 * server (the only subscriber that talks to clients). Delivery is best effort: a lost event
 * costs a live update, never data — clients re-read state over HTTP.
 */
export interface EventBus {
  /**
   * Hands the event to every subscriber (in every process, with Redis). Never rejects: a
   * failure is reported to the bus's `onError`, so business logic can always `await` it.
   */
  publish(event: DomainEvent): Promise<void>;
  /** Registers a handler; returns the function that removes it. */
  subscribe(handler: EventHandler): () => void;
  /** Releases connections; later publishes are dropped. */
  close(): Promise<void>;
}

/** Called with what went wrong and where; the bus itself never throws it at callers. */
export type EventBusErrorHandler = (err: unknown, context: string) => void;

/** Calls each handler in turn; a throwing handler neither stops the others nor the publisher. */
function dispatch(
  handlers: Iterable<EventHandler>,
  event: DomainEvent,
  onError: EventBusErrorHandler,
): void {
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (err) {
      onError(err, 'event handler failed');
    }
  }
}

/** One process (the embedded default): handlers run synchronously, in publish order. */
export class MemoryEventBus implements EventBus {
  private readonly handlers = new Set<EventHandler>();
  private closed = false;

  constructor(private readonly onError: EventBusErrorHandler = () => {}) {}

  async publish(event: DomainEvent): Promise<void> {
    if (this.closed) return;
    // A snapshot of the handlers: one that unsubscribes while handling does not skip another.
    dispatch([...this.handlers], event, this.onError);
  }

  subscribe(handler: EventHandler): () => void {
    if (this.closed) return () => {};
    // Wrapped so that the same function subscribed twice gets two independent registrations.
    const entry: EventHandler = (event) => handler(event);
    this.handlers.add(entry);
    return () => void this.handlers.delete(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}

/** Options of {@link RedisEventBus}. */
export interface RedisEventBusOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** The pub/sub channel every process shares. Default `lqa:events`; tests use their own. */
  channel?: string;
  /** Told about connection errors, failed publishes and malformed messages. */
  onError?: EventBusErrorHandler;
}

export const DEFAULT_EVENT_CHANNEL = 'lqa:events';

async function closeConnection(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

/**
 * Redis pub/sub: an event published in any process (an API process or a worker) reaches the
 * subscribers of every process, in the order it was published. One connection publishes;
 * a second one, opened on the first `subscribe`, listens (a worker that only publishes never
 * opens it). Every process, including the publisher's own, receives events through Redis, so
 * all of them see the same order.
 */
export class RedisEventBus implements EventBus {
  readonly channel: string;
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private subscribed: Promise<void> | undefined;
  private readonly handlers = new Set<EventHandler>();
  private readonly onError: EventBusErrorHandler;
  private closed = false;

  constructor(private readonly options: RedisEventBusOptions) {
    this.channel = options.channel ?? DEFAULT_EVENT_CHANNEL;
    this.onError = options.onError ?? (() => {});
    this.publisher = new Redis(options.url, {
      // Events raised while the connection is still opening are queued, not lost; during an
      // outage a publish gives up after one reconnection attempt instead of stalling callers.
      maxRetriesPerRequest: 1,
      connectionName: 'lqa-events-pub',
    });
    this.publisher.on('error', (err) => this.onError(err, 'event bus publisher connection'));
  }

  async publish(event: DomainEvent): Promise<void> {
    if (this.closed) return;
    try {
      // `data: undefined` would vanish from the JSON and make the event malformed on arrival.
      const message = JSON.stringify({ ...event, data: event.data ?? null });
      await this.publisher.publish(this.channel, message);
    } catch (err) {
      this.onError(err, `event ${event.type} not published`);
    }
  }

  subscribe(handler: EventHandler): () => void {
    if (this.closed) return () => {};
    const entry: EventHandler = (event) => handler(event);
    this.handlers.add(entry);
    this.listen();
    return () => void this.handlers.delete(entry);
  }

  /**
   * Resolves once the subscription is active in Redis (immediately when nothing subscribed):
   * events published before that are not seen by this process.
   */
  ready(): Promise<void> {
    return this.subscribed ?? Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([
      closeConnection(this.publisher),
      this.subscriber ? closeConnection(this.subscriber) : undefined,
    ]);
  }

  private listen(): void {
    if (this.subscriber) return;
    const subscriber = new Redis(this.options.url, {
      // A subscriber waits for Redis as long as it takes and re-subscribes after reconnecting.
      maxRetriesPerRequest: null,
      connectionName: 'lqa-events-sub',
    });
    subscriber.on('error', (err) => this.onError(err, 'event bus subscriber connection'));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    this.subscriber = subscriber;
    this.subscribed = subscriber.subscribe(this.channel).then(
      () => undefined,
      (err: unknown) => {
        // Only when the bus closes before subscribing: otherwise SUBSCRIBE waits for Redis.
        if (!this.closed) this.onError(err, 'event bus subscription failed');
      },
    );
  }

  private receive(message: string): void {
    let event: DomainEvent;
    try {
      event = DomainEventSchema.parse(JSON.parse(message));
    } catch (err) {
      // Another program (or an older version) wrote to the channel: skip it, keep listening.
      this.onError(err, 'malformed event ignored');
      return;
    }
    dispatch([...this.handlers], event, this.onError);
  }
}

/** The bus for this process: Redis pub/sub when a Redis URL is configured, else in memory. */
export function createEventBus(options: {
  redisUrl?: string | undefined;
  logger: Logger;
  channel?: string;
}): EventBus {
  const onError: EventBusErrorHandler = (err, context) =>
    options.logger.warn({ err }, `event bus: ${context}`);
  return options.redisUrl
    ? new RedisEventBus({
        url: options.redisUrl,
        onError,
        ...(options.channel ? { channel: options.channel } : {}),
      })
    : new MemoryEventBus(onError);
}
