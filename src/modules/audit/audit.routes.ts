import { defineRoute, type RouteDefinition } from '../../http/define-route.js';
import { AuditPageSchema, ListAuditQuerySchema } from './audit.schemas.js';
import type { AuditService } from './audit.service.js';

export function auditRoutes(audit: AuditService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/audit',
      summary: 'The audit trail of data changes, newest first (administrators only)',
      description:
        'One entry per successful create, update or delete of an experiment, batch experiment (control actions included), dataset or user account (registration, password change, API key creation and revocation, default model): who, what, which resource, when, request id, IP, and the names of the fields set (never their values). Filter by user_id, resource_type, action and a from/to date range.',
      tags: ['admin'],
      request: { query: ListAuditQuerySchema },
      errors: { 403: 'The caller is not an administrator (FORBIDDEN)' },
      response: { status: 200, description: 'A page of audit entries', schema: AuditPageSchema },
      handler: async ({ auth, query }) => ({ data: await audit.list(auth, query) }),
    }),
  ];
}
