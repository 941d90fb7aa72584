import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { GenerateResult, SamplingParameters } from './types.js';

/** What makes two generations identical: everything that can change the output. */
export interface CacheKeyParts {
  provider: string;
  model: string;
  prompt: string;
  parameters: SamplingParameters;
  iteration: number;
}

/** Stable across key order; hashed so prompts never appear in Redis key names. */
export function responseCacheKey(parts: CacheKeyParts): string {
  const parameters = Object.fromEntries(
    Object.entries(parts.parameters)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const canonical = JSON.stringify([
    parts.provider,
    parts.model,
    parts.prompt,
    parameters,
    parts.iteration,
  ]);
  return `lqa:response-cache:v1:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** The spec's "response content caching for identical prompts" (opt-in per request). */
export interface ResponseCache {
  get(key: string): Promise<GenerateResult | undefined>;
  set(key: string, value: GenerateResult): Promise<void>;
}

/** In-process cache for the embedded mode, bounded in entries and lifetime. */
export class MemoryResponseCache implements ResponseCache {
  private readonly lru: LRUCache<string, GenerateResult>;

  constructor(ttlSeconds: number, maxEntries = 5000) {
    this.lru = new LRUCache({ max: maxEntries, ttl: ttlSeconds * 1000 });
  }

  async get(key: string): Promise<GenerateResult | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: GenerateResult): Promise<void> {
    this.lru.set(key, value);
  }
}

/**
 * Shared cache for scale-out mode. A Redis failure degrades to a miss rather than failing
 * the generation: the cache is an optimisation, never a dependency.
 */
export class RedisResponseCache implements ResponseCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async get(key: string): Promise<GenerateResult | undefined> {
    try {
      const raw = await this.redis.get(key);
      return raw ? (JSON.parse(raw) as GenerateResult) : undefined;
    } catch (err) {
      this.onError(err);
      return undefined;
    }
  }

  async set(key: string, value: GenerateResult): Promise<void> {
    try {
      await this.redis.set(key, JSON.stringify(value), 'EX', this.ttlSeconds);
    } catch (err) {
      this.onError(err);
    }
  }
}
