import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import {
  ApiKeySchema,
  ChangePasswordBodySchema,
  LoginBodySchema,
  PublicUserSchema,
  RegisterBodySchema,
  SessionSchema,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { z } from 'zod';

const tags = ['auth'];

export function authRoutes(auth: AuthService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/register',
      summary: 'Create an account and receive a session token',
      tags,
      auth: false,
      request: { body: RegisterBodySchema },
      response: { status: 201, description: 'Account created', schema: SessionSchema },
      errors: { 409: 'The email or username is already registered (CONFLICT)' },
      handler: async ({ body }) => ({
        data: await auth.register(body),
        message: 'User registered successfully',
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Exchange email (or username) and password for a token',
      tags,
      auth: false,
      request: { body: LoginBodySchema },
      response: { status: 200, description: 'Logged in', schema: SessionSchema },
      errors: { 401: 'Wrong email, username or password (UNAUTHORIZED)' },
      handler: async ({ body }) => ({ data: await auth.login(body), message: 'Login successful' }),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'The authenticated user',
      tags,
      response: {
        status: 200,
        description: 'Current user',
        schema: z.object({ user: PublicUserSchema }),
      },
      handler: async ({ auth: caller }) => ({ data: { user: await auth.me(caller) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/api-key',
      summary: 'Create or rotate your API key (shown once; send it as X-API-Key)',
      tags,
      response: { status: 201, description: 'The new key', schema: ApiKeySchema },
      handler: async ({ auth: caller }) => ({
        data: await auth.rotateApiKey(caller),
        message:
          'Store this API key now: it will not be shown again. Any previous key no longer works.',
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/api-key',
      summary: 'Revoke your API key (requests sending it are rejected from now on)',
      tags,
      response: {
        status: 200,
        description: 'Whether a key was revoked',
        schema: z.object({ revoked: z.boolean() }),
      },
      handler: async ({ auth: caller }) => {
        const result = await auth.revokeApiKey(caller);
        return {
          data: result,
          message: result.revoked ? 'API key revoked' : 'You had no API key',
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/auth/password',
      summary: 'Change your password (the current one is required)',
      tags,
      request: { body: ChangePasswordBodySchema },
      response: { status: 200, description: 'Changed' },
      errors: { 400: 'The current password is wrong or the new one too short (VALIDATION_ERROR)' },
      handler: async ({ auth: caller, body }) => {
        await auth.changePassword(caller, body);
        return { message: 'Password changed' };
      },
    }),
  ];
}
