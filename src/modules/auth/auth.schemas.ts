import { z } from 'zod';

export const RegisterBodySchema = z.object({
  username: z
    .string({ error: 'A username (3-64 letters, digits, dots, dashes or underscores)' })
    .trim()
    .regex(
      /^[A-Za-z0-9_.-]{3,64}$/,
      'A username of 3-64 letters, digits, dots, dashes or underscores',
    ),
  email: z
    .string({ error: 'An email address' })
    .trim()
    .toLowerCase()
    .pipe(z.email('A valid email address'))
    .pipe(z.string().max(255)),
  password: z
    .string({ error: 'A password of at least 8 characters' })
    .min(8, 'A password of at least 8 characters')
    .max(256, 'A password of at most 256 characters'),
  full_name: z.string().trim().max(255, 'At most 255 characters').optional(),
});
export type RegisterBody = z.infer<typeof RegisterBodySchema>;

export const ChangePasswordBodySchema = z.object({
  current_password: z
    .string({ error: 'Your current password' })
    .min(1, 'Your current password')
    .max(256),
  new_password: RegisterBodySchema.shape.password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

export const LoginBodySchema = z
  .object({
    email: z.string().trim().toLowerCase().optional(),
    username: z.string().trim().optional(),
    password: z.string({ error: 'Your password' }).min(1, 'Your password').max(256),
  })
  .refine((b) => Boolean(b.email || b.username), {
    message: 'Your email (or username)',
    path: ['email'],
  });
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const PublicUserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string(),
  full_name: z.string().nullable(),
  role: z.enum(['admin', 'user']),
  default_provider: z.string().nullable(),
  default_model: z.string().nullable(),
  api_key_prefix: z.string().nullable().describe('Start of the current API key, if any'),
  created_at: z.string(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

export const SessionSchema = z.object({
  user: PublicUserSchema,
  token: z.string().describe('JWT to send as "Authorization: Bearer <token>"'),
  expires_in: z.number().int().describe('Seconds until the token expires'),
});

export const ApiKeySchema = z.object({
  api_key: z.string().describe('Send as "X-API-Key"; shown only this once'),
  api_key_prefix: z.string(),
  created_at: z.string(),
});
