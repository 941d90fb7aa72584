import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest, type Store } from 'express-rate-limit';
import { RateLimitedError } from '../lib/errors.js';

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

/**
 * A limiter that counts authenticated callers per user and everyone else per IP, answering
 * over-limit requests with the spec's RATE_LIMITED envelope and `Retry-After`, and sending
 * the IETF draft `RateLimit-Limit/Remaining/Reset` headers on every response.
 */
export function createLimiter(options: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: (req) => (req.auth ? options.userMax : options.anonymousMax),
    keyGenerator: (req) =>
      req.auth
        ? `${options.name}:user:${req.auth.userId}`
        : `${options.name}:ip:${ipKeyGenerator(req.ip ?? '')}`,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    ...(options.skip ? { skip: (req) => options.skip!(routingPath(req.path)) } : {}),
    handler: (request, _res, next, opts) => {
      const req = request as AugmentedRequest;
      const reset = req.rateLimit?.resetTime?.getTime() ?? Date.now() + opts.windowMs;
      const retryAfter = Math.max(1, Math.ceil((reset - Date.now()) / 1000));
      next(
        new RateLimitedError(retryAfter, { limit: req.rateLimit?.limit, window_ms: opts.windowMs }),
      );
    },
  });
}
