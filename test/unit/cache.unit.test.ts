import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../src/lib/cache.js';
import { AnalyticsCache } from '../../src/modules/analytics/analytics-cache.js';
import { MemoryEventBus } from '../../src/realtime/event-bus.js';
import { batchEvent, experimentEvent } from '../../src/realtime/events.js';

const admin = { userId: 1, isAdmin: true };
const user = { userId: 2, isAdmin: false };

describe('MemoryCache', () => {
  it('when an entry is older than its TTL, then it is gone; falsy values are hits', async () => {
    const cache = new MemoryCache();
    await cache.set('zero', 0, 10);
    await cache.set('short', 'x', 0.05);
    expect(await cache.get('zero')).toBe(0);
    expect(await cache.get('short')).toBe('x');
    // lru-cache reads performance.now(), which fake timers do not move: wait for real.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('zero')).toBe(0);
  });

  it('when more entries than the bound are stored, then the least recently used goes first', async () => {
    const cache = new MemoryCache(2);
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a');
    await cache.set('c', 3, 60);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('b')).toBeUndefined();
  });
});

describe('AnalyticsCache', () => {
  it('when asked again with the same query in another key order, then the stored value is a hit', async () => {
    const cache = new AnalyticsCache(new MemoryCache(), 60);
    let computed = 0;
    const compute = async () => ({ n: ++computed });
    expect(await cache.remember(user, 'dashboard', { a: 1, b: [1, 2] }, false, compute)).toEqual({
      value: { n: 1 },
      hit: false,
    });
    expect(await cache.remember(user, 'dashboard', { b: [1, 2], a: 1 }, false, compute)).toEqual({
      value: { n: 1 },
      hit: true,
    });
    // Another scope, endpoint or query is another entry; refresh recomputes.
    expect(
      (await cache.remember(admin, 'dashboard', { a: 1, b: [1, 2] }, false, compute)).hit,
    ).toBe(false);
    expect((await cache.remember(user, 'curve', { a: 1, b: [1, 2] }, false, compute)).hit).toBe(
      false,
    );
    expect(await cache.remember(user, 'dashboard', { a: 1, b: [1, 2] }, true, compute)).toEqual({
      value: { n: 4 },
      hit: false,
    });
  });

  it('when a data-changing event is published, then every entry is invalidated; other events change nothing', async () => {
    const bus = new MemoryEventBus();
    const cache = new AnalyticsCache(new MemoryCache(), 60);
    const stop = cache.invalidateOn(bus);
    let computed = 0;
    const compute = async () => ++computed;
    await cache.remember(user, 'dashboard', {}, false, compute);

    await bus.publish(experimentEvent(5, 'error_occurred', {}));
    expect((await cache.remember(user, 'dashboard', {}, false, compute)).hit).toBe(true);

    await bus.publish(experimentEvent(5, 'response_generated', {}));
    expect(await cache.remember(user, 'dashboard', {}, false, compute)).toEqual({
      value: 2,
      hit: false,
    });
    await bus.publish(batchEvent(3, 'combination_completed', {}));
    expect((await cache.remember(user, 'dashboard', {}, false, compute)).hit).toBe(false);

    stop();
    await bus.publish(experimentEvent(5, 'quality_calculated', {}));
    expect((await cache.remember(user, 'dashboard', {}, false, compute)).hit).toBe(true);
  });
});
