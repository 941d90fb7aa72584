import { QueryTypes } from 'sequelize';
import type { Database } from './index.js';
import { parseJsonValue } from './json-column.js';

export interface RawSelectOptions {
  /** Named `:placeholders` in the SQL; values are escaped by the driver. */
  replacements?: Record<string, unknown>;
  /** Columns holding JSON: parsed to objects (SQLite and MariaDB return JSON as text). */
  json?: string[];
  /** Columns holding dates: returned as Date (SQLite returns text). */
  dates?: string[];
  /** Columns holding numbers: returned as numbers (PostgreSQL returns COUNT/SUM/DECIMAL as text). */
  numbers?: string[];
}

/**
 * A raw SELECT whose rows look the same on every dialect: the one place aggregate and analytics
 * queries should go through, so dialect quirks never reach services.
 */
export async function selectRows<T extends Record<string, unknown>>(
  db: Database,
  sql: string,
  options: RawSelectOptions = {},
): Promise<T[]> {
  const rows = await db.sequelize.query<Record<string, unknown>>(sql, {
    type: QueryTypes.SELECT,
    ...(options.replacements ? { replacements: options.replacements } : {}),
  });
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const column of options.json ?? []) out[column] = parseJsonValue(row[column]) ?? null;
    for (const column of options.dates ?? []) {
      const value = row[column];
      out[column] = value === null || value === undefined ? null : new Date(value as string | Date);
    }
    for (const column of options.numbers ?? []) {
      const value = row[column];
      out[column] = value === null || value === undefined ? null : Number(value);
    }
    return out as T;
  });
}
