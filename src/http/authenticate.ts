import type { RequestHandler } from 'express';
import type { AuthContext } from '../lib/auth-context.js';

/** Resolves credentials to a caller; implemented by the auth service. */
export interface Authenticator {
  /** Returns the caller for a valid bearer token, or a reason it was rejected. */
  verifyToken(token: string): Promise<AuthContext | { rejected: string }>;
  /** Returns the caller for a valid API key, or a reason it was rejected. */
  verifyApiKey(key: string): Promise<AuthContext | { rejected: string }>;
}

/**
 * Identifies the caller on every request without rejecting anyone: routes that need a user
 * reject later with the recorded reason, and public routes ignore it. Identification happens
 * first so that rate limits can count per user rather than per IP.
 */
export function identifyCaller(authenticator: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    const apiKey = req.get('x-api-key');
    let outcome: AuthContext | { rejected: string } | undefined;
    try {
      if (header) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        outcome = match
          ? await authenticator.verifyToken(match[1]!)
          : { rejected: 'Authorization header must be "Bearer <token>"' };
      } else if (apiKey) {
        outcome = await authenticator.verifyApiKey(apiKey.trim());
      }
    } catch (err) {
      // An API-key lookup needs the database. When it is down, public routes must still
      // answer (a dashboard sending its key to /api/health should see DEGRADED, not an
      // error); routes that need the caller report this failure instead of a 401.
      req.authFailure = err;
      next();
      return;
    }
    if (outcome && 'rejected' in outcome) req.authError = outcome.rejected;
    else if (outcome) req.auth = outcome;
    next();
  };
}
