import type { AuthContext } from '../lib/auth-context.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the request-id middleware before anything else runs. */
    id: string;
    /** The authenticated caller, when credentials were presented and valid. */
    auth?: AuthContext;
    /** Why presented credentials were rejected, reported by routes that require auth. */
    authError?: string;
    /** Why credentials could not be checked at all (e.g. the database is down). */
    authFailure?: unknown;
  }
}
