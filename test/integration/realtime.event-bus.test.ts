import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { MemoryEventBus, RedisEventBus, createEventBus } from '../../src/realtime/event-bus.js';
import { DomainEventSchema, batchEvent, experimentEvent } from '../../src/realtime/events.js';

describe('domain events', () => {
  it('when an event is built, then it names its channel and carries an ISO timestamp', () => {
    const event = experimentEvent(4, 'response_generated', { response_id: 9 });
    expect(event).toEqual({
      type: 'response_generated',
      channel: { kind: 'experiment', id: 4 },
      data: { response_id: 9 },
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(DomainEventSchema.parse(batchEvent(2, 'progress_update', { progress: 10 }))).toEqual(
      expect.objectContaining({ channel: { kind: 'batch', id: 2 } }),
    );
  });
});

describe('in-memory event bus', () => {
  it('when events are published, then every subscriber gets them in order until it unsubscribes', async () => {
    const bus = new MemoryEventBus();
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = bus.subscribe((e) => first.push(e.type));
    bus.subscribe((e) => second.push(e.type));

    await bus.publish(experimentEvent(1, 'response_generated', {}));
    await bus.publish(experimentEvent(1, 'quality_calculated', {}));
    stopFirst();
    await bus.publish(experimentEvent(1, 'experiment_completed', {}));

    expect(first).toEqual(['response_generated', 'quality_calculated']);
    expect(second).toEqual(['response_generated', 'quality_calculated', 'experiment_completed']);
    await bus.close();
  });

  it('when a subscriber throws, then the publisher does not see it and other subscribers still run', async () => {
    const errors: unknown[] = [];
    const bus = new MemoryEventBus((err) => errors.push(err));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('bad handler');
    });
    bus.subscribe((e) => seen.push(e.type));

    await expect(bus.publish(experimentEvent(1, 'error_occurred', {}))).resolves.toBeUndefined();
    expect(seen).toEqual(['error_occurred']);
    expect(errors).toHaveLength(1);
    await bus.close();
  });

  it('when the bus is closed, then later publishes reach no one', async () => {
    const bus = new MemoryEventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.type));
    await bus.close();
    await bus.publish(experimentEvent(1, 'response_generated', {}));
    expect(seen).toEqual([]);
  });
});

describe('Redis event bus without Redis', () => {
  it('when Redis is unreachable, then publish resolves and the failure goes to onError', async () => {
    const errors: string[] = [];
    // Port 1: nothing listens there, so every connection attempt is refused.
    const bus = new RedisEventBus({
      url: 'redis://127.0.0.1:1',
      onError: (_err, context) => errors.push(context),
    });
    await expect(
      bus.publish(experimentEvent(1, 'response_generated', {})),
    ).resolves.toBeUndefined();
    expect(errors).toContain('event response_generated not published');
    await bus.close();
  });
});

describe('choosing the event bus', () => {
  it('when no Redis URL is configured, then events stay in memory; with one, they go through Redis', async () => {
    const logger = createLogger('silent');
    const memory = createEventBus({ logger });
    const redis = createEventBus({ redisUrl: 'redis://127.0.0.1:1', logger, channel: 'x' });
    expect(memory).toBeInstanceOf(MemoryEventBus);
    expect(redis).toBeInstanceOf(RedisEventBus);
    expect((redis as RedisEventBus).channel).toBe('x');
    await Promise.all([memory.close(), redis.close()]);
  });
});
