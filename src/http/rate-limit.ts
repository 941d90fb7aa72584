import type { RequestHandler } from 'express';
import {
  ipKeyGenerator,
  MemoryStore,
  rateLimit,
  type AugmentedRequest,
  type ClientRateLimitInfo,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Config } from '../config/index.js';
import { RateLimitedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/** Options for a limiter; per-route limits (generation, batch, export) reuse this shape. */
export interface LimitOptions {
  /** Counter name, so limiters sharing a store never collide. */
  name: string;
  windowMs: number;
  /** Requests per window for an anonymous caller (per IP). */
  anonymousMax: number;
  /** Requests per window for an authenticated caller (per user). */
  userMax: number;
  /** A shared store (e.g. Redis) so every process counts together; memory when absent. */
  store?: Store;
  /** Where store failures are reported; the console (express-rate-limit's default) when absent. */
  logger?: Logger;
  /**
   * Requests to leave uncounted, by path below the limiter's mount point. The path is given
   * lower-cased and without trailing slashes, as Express routing matches it.
   */
  skip?: (path: string) => boolean;
}

/**
 * Express routes ignore case and a trailing slash, so `/api/HEALTH/` reaches the health
 * handler; the skip test must see the same path or such a probe would still be throttled.
 */
function routingPath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

/** How long the first request waits for a Redis client that is still connecting. */
const FIRST_CONNECT_WAIT_MS = 2000;
/** A Redis call slower than this counts as a failure (a partition must not stall requests). */
const REDIS_CALL_TIMEOUT_MS = 500;
/** After a failure, requests count in memory without trying Redis for this long (or until it reconnects). */
const RETRY_REDIS_AFTER_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Counters in Redis (rate-limit-redis), shared by every API process, that degrade to this
 * process's memory while Redis cannot be reached: limits keep applying (per process) instead
 * of failing open or answering 500. A failed or slow (> 500 ms) call switches to memory for
 * 2 s or until the client reconnects. One warning per outage, one info line when it is back.
 */
export class SharedRedisStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private readonly redisStore: RedisStore;
  private readonly fallback = new MemoryStore();
  private options?: Options;
  /** The Lua scripts' load; retried after a failure. */
  private ready?: Promise<void>;
  private degraded = false;
  /** While degraded: when to try Redis again (reset when the client reconnects). */
  private retryAt = 0;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly logger?: Logger,
  ) {
    this.prefix = prefix;
    this.redisStore = new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<RedisReply>,
    });
    redis.on('ready', () => {
      this.retryAt = 0;
    });
  }

  init(options: Options): void {
    this.options = options;
    this.fallback.init(options);
  }

  /**
   * Loads the scripts once Redis is connected. A client still making its first connection
   * (the app was just built) is waited for briefly; one that lost its connection is not, so
   * an outage costs requests nothing.
   */
  private async load(): Promise<void> {
    const status = this.redis.status;
    if (status === 'wait' || status === 'connecting' || status === 'connect') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
        this.redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await this.redisStore.init(this.options!);
  }

  private async viaRedis<T>(operation: () => Promise<T>): Promise<T> {
    try {
      this.ready ??= this.load();
      await this.ready;
    } catch (err) {
      // rate-limit-redis keeps a failed script load; load again on the next request.
      this.ready = undefined;
      throw err;
    }
    return withTimeout(operation(), REDIS_CALL_TIMEOUT_MS);
  }

  private async attempt<T>(shared: () => Promise<T>, local: () => Promise<T> | T): Promise<T> {
    if (this.degraded && Date.now() < this.retryAt) return local();
    try {
      const result = await this.viaRedis(shared);
      if (this.degraded) {
        this.degraded = false;
        this.logger?.info({ limiter: this.prefix }, 'rate limit store: Redis is back');
      }
      return result;
    } catch (err) {
      this.retryAt = Date.now() + RETRY_REDIS_AFTER_MS;
      if (!this.degraded) {
        this.degraded = true;
        this.logger?.warn(
          { err, limiter: this.prefix },
          'rate limit store: Redis unavailable, counting in this process until it is back',
        );
      }
      return local();
    }
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.attempt(
      () => this.redisStore.increment(key),
      () => this.fallback.increment(key),
    );
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.attempt(
      () => this.redisStore.get(key),
      () => this.fallback.get(key),
    );
  }

  async decrement(key: string): Promise<void> {
    await this.attempt(
      () => this.redisStore.decrement(key),
      () => this.fallback.decrement(key),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.attempt(
      () => this.redisStore.resetKey(key),
      () => this.fallback.resetKey(key),
    );
  }

  shutdown(): void {
    this.fallback.shutdown();
  }
}

/**
 * A limiter that counts authenticated callers per user and everyone else per IP, answering
 * over-limit requests with the spec's RATE_LIMITED envelope and `Retry-After`, and sending
 * the IETF draft `RateLimit-Limit/Remaining/Reset` headers on every response.
 */
export function createLimiter(options: LimitOptions): RequestHandler {
  const logger = options.logger;
  return rateLimit({
    windowMs: options.windowMs,
    limit: (req) => (req.auth ? options.userMax : options.anonymousMax),
    keyGenerator: (req) =>
      req.auth
        ? `${options.name}:user:${req.auth.userId}`
        : `${options.name}:ip:${ipKeyGenerator(req.ip ?? '')}`,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    // A store that still throws (the memory fallback never should) lets the request through.
    passOnStoreError: true,
    ...(logger
      ? {
          logger: {
            warn: (...args: unknown[]) => logger.warn({ detail: args }, 'rate limiter warning'),
            error: (...args: unknown[]) => logger.error({ detail: args }, 'rate limiter error'),
          },
        }
      : {}),
    ...(options.store ? { store: options.store } : {}),
    ...(options.skip ? { skip: (req) => options.skip!(routingPath(req.path)) } : {}),
    handler: (request, _res, next, opts) => {
      const req = request as AugmentedRequest;
      const reset = req.rateLimit?.resetTime?.getTime() ?? Date.now() + opts.windowMs;
      const retryAfter = Math.max(1, Math.ceil((reset - Date.now()) / 1000));
      next(
        new RateLimitedError(retryAfter, {
          limit: req.rateLimit?.limit,
          window_ms: opts.windowMs,
          limiter: options.name,
        }),
      );
    },
  });
}

/** Every limiter of the API; the per-route ones are undefined when rate limiting is off. */
export interface AppLimiters {
  /** The spec's general limit (100 / 15 min per IP; RATE_LIMIT_USER_MAX per user). */
  general?: RequestHandler;
  /** Response generation (10 / minute / user). */
  generation?: RequestHandler;
  /** Batch creation, dataset runs included (5 / hour / user). */
  batchCreate?: RequestHandler;
  /** Exports (20 / hour / user). */
  export?: RequestHandler;
}

/**
 * Builds the limiters from the configuration. With Redis every limiter counts in Redis under
 * `<QUEUE_PREFIX>:rl:<limiter>:`, so all API processes of a deployment share one budget and
 * deployments (or test runs) sharing a Redis stay apart.
 */
export function createAppLimiters(config: Config, redis?: Redis, logger?: Logger): AppLimiters {
  if (!config.rateLimit.enabled) return {};
  const make = (options: Omit<LimitOptions, 'store' | 'logger'>): RequestHandler =>
    createLimiter({
      ...options,
      ...(logger ? { logger } : {}),
      ...(redis
        ? {
            store: new SharedRedisStore(redis, `${config.jobs.prefix}:rl:${options.name}:`, logger),
          }
        : {}),
    });
  const perUser = (name: string, limit: { windowMs: number; max: number }) =>
    make({ name, windowMs: limit.windowMs, anonymousMax: limit.max, userMax: limit.max });
  const limits = config.rateLimit;
  return {
    general: make({
      name: 'general',
      windowMs: limits.windowMs,
      anonymousMax: limits.anonymousMax,
      userMax: limits.userMax,
      // Load-balancer probes hit health constantly; they must never be throttled.
      skip: (path) => path === '/health',
    }),
    generation: perUser('generation', config.generationRateLimit),
    batchCreate: perUser('batch-create', config.batch.rateLimit),
    export: perUser('export', config.exportRateLimit),
  };
}
