import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/**
 * A small key/value cache of JSON-serialisable values with a per-entry lifetime. It is an
 * optimisation, never a dependency: implementations turn their own failures into misses.
 */
export interface Cache {
  /** The stored value, or undefined when absent, expired or the store is unreachable. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value` for `ttlSeconds` (fractions allowed; rounded up to a millisecond). */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

/** One process (the embedded mode): an LRU bounded in entries, each entry with its own TTL. */
export class MemoryCache implements Cache {
  private readonly lru: LRUCache<string, { value: unknown }>;

  /** @param maxEntries entries kept before the least recently used is evicted (default 1000). */
  constructor(maxEntries = 1000) {
    // Values are wrapped so that a cached `null` or `0` is still a hit.
    this.lru = new LRUCache({ max: maxEntries, ttlAutopurge: false });
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.lru.get(key)?.value as T | undefined;
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.lru.set(key, { value }, { ttl: Math.max(1, Math.ceil(ttlSeconds * 1000)) });
  }
}

/**
 * Shared by every API process (scale-out mode). Values travel as JSON; a Redis error is
 * reported to `onError` and answered as a miss, so an outage slows requests down instead of
 * failing them.
 */
export class RedisCache implements Cache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'lqa:cache:',
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await this.redis.get(this.prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (err) {
      this.onError(err);
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    try {
      const ms = Math.max(1, Math.ceil(ttlSeconds * 1000));
      await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', ms);
    } catch (err) {
      this.onError(err);
    }
  }
}
