import { SignJWT, jwtVerify, errors } from 'jose';
import type { AuthContext } from '../../lib/auth-context.js';

const ISSUER = 'llm-response-quality-analyzer';

/** Signs and verifies the service's HS256 access tokens. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly expiresInSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(user: { id: number; role: 'admin' | 'user' }): Promise<string> {
    return new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${this.expiresInSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<AuthContext | { rejected: string }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      });
      const userId = Number(payload.sub);
      const role = payload.role === 'admin' ? 'admin' : 'user';
      if (!Number.isInteger(userId) || userId < 1) return { rejected: 'Invalid token' };
      return { userId, role, via: 'token' };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { rejected: 'Token expired: log in again' };
      return { rejected: 'Invalid token' };
    }
  }
}
