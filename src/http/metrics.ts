import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AuthContext } from '../lib/auth-context.js';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import type { AppMetrics } from '../lib/metrics.js';
import type { Authenticator } from './authenticate.js';

/**
 * The route label of a finished request: the matched route's pattern (`/api/experiments/:id`)
 * so ids never become label values; a few fixed names otherwise, never the raw path.
 */
export function routeLabel(req: Request, res: Response): string {
  const pattern = res.locals.routePattern as string | undefined;
  if (pattern) return pattern;
  const path = req.path;
  if (path === '/metrics') return '/metrics';
  if (path.startsWith('/api/docs/ui')) return '/api/docs/ui';
  if (path.startsWith('/api/')) return res.statusCode === 404 ? 'unmatched' : '/api/*';
  return res.statusCode === 404 ? 'unmatched' : 'static';
}

/** Times every request and counts error envelopes by code (set by the error middleware). */
export function httpMetrics(metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const status = String(res.statusCode);
      end({ method: req.method, route: routeLabel(req, res), status });
      const code = res.locals.errorCode as string | undefined;
      if (code) metrics.httpErrors.inc({ code, status });
    });
    next();
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` in Prometheus text format. Allowed with `Authorization: Bearer
 * <METRICS_TOKEN>` (for the scraper) or an administrator's JWT or API key; anyone else gets
 * 401 (no or bad credentials) or 403 (not an admin). Without METRICS_TOKEN only admins can
 * read it.
 */
export function metricsEndpoint(
  metrics: AppMetrics,
  authenticator: Authenticator,
  token: string | undefined,
): RequestHandler {
  return async (req, res) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    const apiKey = req.get('x-api-key')?.trim();
    if (!(bearer && token && sameSecret(bearer, token))) {
      let caller: AuthContext | { rejected: string } | undefined;
      if (bearer) caller = await authenticator.verifyToken(bearer);
      else if (apiKey) caller = await authenticator.verifyApiKey(apiKey);
      if (!caller) {
        throw new UnauthorizedError(
          'Metrics need "Authorization: Bearer <METRICS_TOKEN>" or an administrator\'s credentials',
        );
      }
      if ('rejected' in caller) throw new UnauthorizedError(caller.rejected);
      if (caller.role !== 'admin') throw new ForbiddenError('Only administrators may read metrics');
    }
    const { contentType, body } = await metrics.exposition();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };
}
