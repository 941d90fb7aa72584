import { createHash, randomBytes } from 'node:crypto';
import type { OwnerScope } from '../../lib/auth-context.js';
import type { Cache } from '../../lib/cache.js';
import type { EventBus } from '../../realtime/event-bus.js';
import { BATCH_EVENTS, EXPERIMENT_EVENTS } from '../../realtime/events.js';

/** Events after which stored analytics may be out of date. */
const DATA_CHANGING_EVENTS = new Set<string>([
  EXPERIMENT_EVENTS.RESPONSE_GENERATED,
  EXPERIMENT_EVENTS.QUALITY_CALCULATED,
  EXPERIMENT_EVENTS.EXPERIMENT_COMPLETED,
  BATCH_EVENTS.COMBINATION_COMPLETED,
  BATCH_EVENTS.BATCH_COMPLETED,
]);

const VERSION_KEY = 'analytics:version';
/** Far longer than any entry lives, so an expired version can never resurrect old entries. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;

/** Key order must not matter: `{a, b}` and `{b, a}` are the same query. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * Analytics results cached per (caller scope, endpoint, normalised query) for a short TTL,
 * and invalidated on writes through a version that is part of every key.
 *
 * The version is GLOBAL, not per owner: domain events name the experiment or batch they
 * concern but not its owner, and looking the owner up on every event would cost a query per
 * generated response. A write therefore invalidates every user's analytics, which is cheap —
 * the next request of each recomputes once. The version lives in the cache itself (memory, or
 * Redis shared by every process), and every process bumps it on the events it receives.
 */
export class AnalyticsCache {
  constructor(
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * The cached value when present (and `refresh` is false); otherwise computes, stores and
   * returns it. `hit` tells the caller which one happened (the X-Cache header).
   */
  async remember<T>(
    scope: OwnerScope,
    endpoint: string,
    query: unknown,
    refresh: boolean,
    compute: () => Promise<T>,
  ): Promise<{ value: T; hit: boolean }> {
    const version = (await this.cache.get<string>(VERSION_KEY)) ?? '0';
    const owner = scope.isAdmin ? 'admin' : `user:${scope.userId}`;
    const digest = createHash('sha256')
      .update(JSON.stringify(canonical(query)))
      .digest('hex')
      .slice(0, 32);
    const key = `analytics:${version}:${owner}:${endpoint}:${digest}`;
    if (!refresh) {
      const cached = await this.cache.get<T>(key);
      if (cached !== undefined) return { value: cached, hit: true };
    }
    const value = await compute();
    await this.cache.set(key, value, this.ttlSeconds);
    return { value, hit: false };
  }

  /** Makes every stored result unreachable (a fresh random version: no counter to race on). */
  async invalidate(): Promise<void> {
    const version = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    await this.cache.set(VERSION_KEY, version, VERSION_TTL_SECONDS);
  }

  /** Invalidates on every data-changing domain event; returns the unsubscribe function. */
  invalidateOn(events: EventBus): () => void {
    return events.subscribe((event) => {
      if (DATA_CHANGING_EVENTS.has(event.type)) void this.invalidate();
    });
  }
}
