import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import { insertRow } from '../../db/raw-write.js';
import type { AuditEntry, ListAuditQuery } from './audit.schemas.js';

/** One audit row to write. */
export interface NewAuditEntry {
  user_id: number | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  request_id: string | null;
  ip: string | null;
  changes: Record<string, unknown> | null;
}

type Filters = Omit<ListAuditQuery, 'page' | 'limit'>;

/** The audit table: raw statements (one insert per audited request, one page per read). */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  async insert(entry: NewAuditEntry): Promise<void> {
    await insertRow(this.db, 'audit_logs', { ...entry, created_at: new Date() });
  }

  private where(filters: Filters): { sql: string; replacements: Record<string, unknown> } {
    const clauses: string[] = [];
    const replacements: Record<string, unknown> = {};
    if (filters.user_id !== undefined) {
      clauses.push('user_id = :user_id');
      replacements.user_id = filters.user_id;
    }
    if (filters.resource_type) {
      clauses.push('resource_type = :resource_type');
      replacements.resource_type = filters.resource_type;
    }
    if (filters.action) {
      clauses.push('action = :action');
      replacements.action = filters.action;
    }
    if (filters.from) {
      clauses.push('created_at >= :from');
      replacements.from = this.dateValue(filters.from.at);
    }
    if (filters.to) {
      clauses.push(filters.to.exclusive ? 'created_at < :to' : 'created_at <= :to');
      replacements.to = this.dateValue(filters.to.at);
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', replacements };
  }

  /** A bound date as each dialect compares it with a DATE(3) column. */
  private dateValue(at: Date): string | Date {
    const iso = at.toISOString();
    if (this.db.dialect === 'mysql') return iso.replace('T', ' ').replace('Z', '');
    // SQLite stores `YYYY-MM-DD HH:MM:SS.mmm +00:00` text; comparing as text needs that form.
    if (this.db.dialect === 'sqlite') return `${iso.replace('T', ' ').replace('Z', '')} +00:00`;
    return at;
  }

  async list(query: ListAuditQuery): Promise<{ rows: AuditEntry[]; total: number }> {
    const { sql, replacements } = this.where(query);
    const [count] = await selectRows<{ total: number }>(
      this.db,
      `SELECT COUNT(*) AS total FROM audit_logs ${sql}`,
      { replacements, numbers: ['total'] },
    );
    const rows = await selectRows<Record<string, unknown>>(
      this.db,
      `SELECT id, user_id, action, resource_type, resource_id, request_id, ip, changes, created_at
       FROM audit_logs ${sql} ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      {
        replacements: {
          ...replacements,
          limit: query.limit,
          offset: (query.page - 1) * query.limit,
        },
        json: ['changes'],
        dates: ['created_at'],
        numbers: ['id', 'user_id'],
      },
    );
    return {
      total: count?.total ?? 0,
      rows: rows.map((row) => ({
        id: row.id as number,
        user_id: (row.user_id as number | null) ?? null,
        action: String(row.action),
        resource_type: row.resource_type as AuditEntry['resource_type'],
        resource_id: (row.resource_id as string | null) ?? null,
        request_id: (row.request_id as string | null) ?? null,
        ip: (row.ip as string | null) ?? null,
        changes: (row.changes as AuditEntry['changes']) ?? null,
        created_at: (row.created_at as Date).toISOString(),
      })),
    };
  }
}
