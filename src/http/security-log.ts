import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger.js';
import type { AppMetrics } from '../lib/metrics.js';

/** The kinds of security event logged (and counted in `security_events_total`). */
export type SecurityEventType =
  /** Wrong email/username or password on /api/auth/login. */
  | 'login_failed'
  /** A bearer token or API key was rejected: malformed, tampered, expired, revoked or unknown. */
  | 'credentials_rejected'
  /** 403: an authenticated caller tried something beyond their role. */
  | 'forbidden'
  /** 404 for a resource id on an authenticated route: missing, or another user's (not told apart). */
  | 'resource_not_found'
  /** A rate limit answered 429. */
  | 'rate_limited';

function eventsOf(
  req: Request,
  res: Response,
): Array<[SecurityEventType, Record<string, unknown>]> {
  const events: Array<[SecurityEventType, Record<string, unknown>]> = [];
  const code = res.locals.errorCode as string | undefined;
  const route = res.locals.routePattern as string | undefined;
  const via = req.get('authorization') ? 'token' : req.get('x-api-key') ? 'api_key' : undefined;
  if (req.authError !== undefined && via) {
    events.push(['credentials_rejected', { credential: via, reason: req.authError }]);
  } else if (code === 'UNAUTHORIZED' && via && route !== '/api/auth/login') {
    // Routes that check credentials themselves (GET /metrics).
    events.push(['credentials_rejected', { credential: via, reason: 'rejected by the route' }]);
  }
  if (code === 'UNAUTHORIZED' && route === '/api/auth/login') {
    const body = (req.body ?? {}) as { email?: unknown; username?: unknown };
    // Who was tried (for brute-force detection); never the password.
    const login = typeof body.email === 'string' ? body.email : body.username;
    events.push([
      'login_failed',
      { login: typeof login === 'string' ? login.slice(0, 255) : null },
    ]);
  }
  if (code === 'FORBIDDEN') events.push(['forbidden', {}]);
  if (code === 'RATE_LIMITED') events.push(['rate_limited', {}]);
  if (code === 'NOT_FOUND' && req.auth && route?.includes('/:')) {
    events.push(['resource_not_found', {}]);
  }
  return events;
}

/**
 * Logs security events as structured `security_event` lines (warn level) with the request id,
 * client IP, caller and route, once the response is finished, and counts them. Derived from
 * the outcome (the error code the error middleware recorded, the credential rejection
 * `identifyCaller` recorded), so no route or service has to remember to report.
 */
export function securityLog(logger: Logger, metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => {
      for (const [type, details] of eventsOf(req, res)) {
        metrics.securityEvents.inc({ type });
        logger.warn(
          {
            security_event: type,
            request_id: req.id,
            ip: req.ip,
            user_id: req.auth?.userId ?? null,
            method: req.method,
            route: (res.locals.routePattern as string | undefined) ?? req.path,
            status: res.statusCode,
            ...details,
          },
          `security event: ${type}`,
        );
      }
    });
    next();
  };
}
