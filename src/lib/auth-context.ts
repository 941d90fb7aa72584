/** Who is calling: resolved once per request from a bearer token or an API key. */
export interface AuthContext {
  userId: number;
  role: 'admin' | 'user';
  via: 'token' | 'api_key';
}

/** Row-ownership scope for repositories: admins see every row, users their own. */
export type OwnerScope = { userId: number; isAdmin: boolean };

/**
 * Every row: for background jobs acting on rows whose owner was checked when the work was
 * accepted (a job carries ids, not a caller).
 */
export const SYSTEM_SCOPE: OwnerScope = Object.freeze({ userId: 0, isAdmin: true });

export function ownerScope(auth: AuthContext): OwnerScope {
  return { userId: auth.userId, isAdmin: auth.role === 'admin' };
}
