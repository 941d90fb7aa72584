import type { RouteOutcome } from '../../http/define-route.js';
import type { AuthContext } from '../../lib/auth-context.js';
import { ForbiddenError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { paginate, type Pagination } from '../../lib/pagination.js';
import { auditRuleFor, bodyFields } from './audit-rules.js';
import type { AuditRepository } from './audit.repository.js';
import type { AuditEntry, ListAuditQuery } from './audit.schemas.js';

/** The audit trail: written after audited routes succeed, read by admins. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Records a successful request if its route is audited. Called before the answer is sent,
   * so a client that saw success finds the entry; a failure to write is logged, never turned
   * into a failed request (the change itself is already committed).
   */
  readonly record = async (o: RouteOutcome): Promise<void> => {
    const rule = auditRuleFor(o.route.method, o.route.path);
    if (!rule || rule.unchanged?.(o)) return;
    const id = rule.id ? rule.id(o) : (o.params as Record<string, unknown> | undefined)?.id;
    const actor = o.auth?.userId ?? (rule.resource === 'user' ? Number(id) || null : null);
    const entry = {
      user_id: actor,
      action: typeof rule.action === 'function' ? rule.action(o) : rule.action,
      resource_type: rule.resource,
      resource_id: id === undefined || id === null ? null : String(id),
      request_id: o.requestId,
      ip: o.ip,
      changes: { fields: rule.fields ? rule.fields(o) : bodyFields(o), ...rule.extra?.(o) },
    };
    try {
      await this.repo.insert(entry);
    } catch (err) {
      this.logger.error({ err, audit: entry }, 'audit entry could not be written');
    }
  };

  async list(
    auth: AuthContext,
    query: ListAuditQuery,
  ): Promise<{ entries: AuditEntry[]; pagination: Pagination }> {
    if (auth.role !== 'admin')
      throw new ForbiddenError('Only administrators may read the audit trail');
    const { rows, total } = await this.repo.list(query);
    return { entries: rows, pagination: paginate(query.page, query.limit, total) };
  }
}
