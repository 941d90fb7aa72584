import type { AuthContext } from '../../lib/auth-context.js';
import {
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../lib/errors.js';
import type { Authenticator } from '../../http/authenticate.js';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-keys.js';
import type { UsersRepository, UserRow } from './auth.repository.js';
import type { ChangePasswordBody, LoginBody, PublicUser, RegisterBody } from './auth.schemas.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import type { TokenService } from './tokens.js';

export function toPublicUser(user: UserRow): PublicUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.full_name ?? null,
    role: user.role,
    default_provider: user.default_provider ?? null,
    default_model: user.default_model ?? null,
    api_key_prefix: user.api_key ?? null,
    created_at: new Date(user.created_at).toISOString(),
  };
}

export interface Session {
  user: PublicUser;
  token: string;
  expires_in: number;
}

/** Accounts, sessions and API keys; also the request authenticator used by the HTTP layer. */
export class AuthService implements Authenticator {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: TokenService,
  ) {}

  async register(input: RegisterBody, role: 'admin' | 'user' = 'user'): Promise<Session> {
    if (await this.users.findByEmail(input.email)) {
      throw new ConflictError('An account with this email already exists', { field: 'email' });
    }
    if (await this.users.findByUsername(input.username)) {
      throw new ConflictError('This username is taken', { field: 'username' });
    }
    const user = await this.users.create({
      username: input.username,
      email: input.email,
      password_hash: await hashPassword(input.password),
      full_name: input.full_name ?? null,
      role,
    });
    return this.sessionFor(user);
  }

  async login(input: LoginBody): Promise<Session> {
    const user = input.email
      ? await this.users.findByEmail(input.email)
      : await this.users.findByUsername(input.username ?? '');
    if (!user) {
      await burnPasswordCheck(input.password);
      throw new UnauthorizedError('Invalid email or password');
    }
    if (!(await verifyPassword(user.password_hash, input.password))) {
      throw new UnauthorizedError('Invalid email or password');
    }
    await this.users.update(user.id, { last_login_at: new Date() });
    return this.sessionFor(user);
  }

  async me(auth: AuthContext): Promise<PublicUser> {
    const user = await this.users.findById(auth.userId);
    if (!user) throw new NotFoundError('User', auth.userId);
    return toPublicUser(user);
  }

  /** Creates the caller's API key, replacing any previous one (which stops working at once). */
  async rotateApiKey(
    auth: AuthContext,
  ): Promise<{ api_key: string; api_key_prefix: string; created_at: string }> {
    const { key, hash, displayPrefix } = generateApiKey();
    const createdAt = new Date();
    await this.users.update(auth.userId, {
      api_key: displayPrefix,
      api_key_hash: hash,
      api_key_created_at: createdAt,
    });
    return { api_key: key, api_key_prefix: displayPrefix, created_at: createdAt.toISOString() };
  }

  /** Revokes the caller's API key at once; whether there was one. */
  async revokeApiKey(auth: AuthContext): Promise<{ revoked: boolean }> {
    const user = await this.users.findById(auth.userId);
    if (!user) throw new NotFoundError('User', auth.userId);
    if (!user.api_key_hash) return { revoked: false };
    await this.users.update(auth.userId, {
      api_key: null,
      api_key_hash: null,
      api_key_created_at: null,
    });
    return { revoked: true };
  }

  /**
   * Replaces the caller's password after checking the current one. Tokens already issued stay
   * valid until they expire (they are stateless); the API key is untouched.
   */
  async changePassword(auth: AuthContext, input: ChangePasswordBody): Promise<void> {
    const user = await this.users.findById(auth.userId);
    if (!user) throw new NotFoundError('User', auth.userId);
    if (!(await verifyPassword(user.password_hash, input.current_password))) {
      throw new ValidationError('The current password is wrong', {
        field: 'current_password',
        expected: 'Your current password',
      });
    }
    await this.users.update(auth.userId, { password_hash: await hashPassword(input.new_password) });
  }

  /**
   * A valid signature is not enough: the account must still exist (a token outlives a user
   * removed from the database), and its role is the stored one, not the one signed earlier.
   */
  async verifyToken(token: string): ReturnType<Authenticator['verifyToken']> {
    const verified = await this.tokens.verify(token);
    if ('rejected' in verified) return verified;
    const user = await this.users.findById(verified.userId);
    if (!user) return { rejected: 'Invalid token: the account no longer exists' };
    return { ...verified, role: user.role };
  }

  async verifyApiKey(key: string): ReturnType<Authenticator['verifyApiKey']> {
    if (!looksLikeApiKey(key)) return { rejected: 'Invalid API key' };
    const user = await this.users.findByApiKeyHash(hashApiKey(key));
    return user
      ? { userId: user.id, role: user.role, via: 'api_key' }
      : { rejected: 'Invalid API key' };
  }

  private async sessionFor(user: UserRow): Promise<Session> {
    return {
      user: toPublicUser(user),
      token: await this.tokens.sign(user),
      expires_in: this.tokens.expiresInSeconds,
    };
  }
}
