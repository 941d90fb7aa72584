import { z } from 'zod';
import { PaginationSchema } from '../../lib/pagination.js';
import { queryDate, queryEnum, queryInt, queryString } from '../../lib/query-params.js';
import { AUDIT_RESOURCES } from './audit-rules.js';

export const ListAuditQuerySchema = z.object({
  page: queryInt(1, 1_000_000, 1),
  limit: queryInt(1, 100, 20),
  user_id: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'A positive integer user id' })
      .int('A positive integer user id')
      .min(1, 'A positive integer user id')
      .max(2_147_483_647, 'A positive integer user id')
      .optional(),
  ),
  resource_type: queryEnum(AUDIT_RESOURCES),
  action: queryString(32),
  from: queryDate('start').describe('Entries at or after this date (ISO 8601)'),
  to: queryDate('end').describe('Entries up to this date (a bare date includes that whole day)'),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  user_id: z.number().int().nullable().describe('Who acted (the new user for a registration)'),
  action: z.string().describe('create, update, delete, pause, resume, stop, retry_failed, …'),
  resource_type: z.enum(AUDIT_RESOURCES),
  resource_id: z.string().nullable(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  changes: z
    .object({ fields: z.array(z.string()) })
    .catchall(z.unknown())
    .nullable()
    .describe('Names of the fields set (never their values), plus related ids'),
  created_at: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  pagination: PaginationSchema,
});
