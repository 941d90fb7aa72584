import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import { selectRows, type RawSelectOptions } from '../../db/raw-query.js';

/**
 * PostgreSQL compiles a query with JIT once its estimated cost passes jit_above_cost. The
 * rollup queries are estimated high (UNION ALL of several grains) but read a few thousand
 * rows: measured at a million responses, JIT took 517 ms of an 869 ms dashboard. Inside a
 * transaction, `SET LOCAL jit = off` turns it off for that query only.
 */
export async function withoutJit(db: Database, transaction: Transaction): Promise<void> {
  if (db.dialect === 'postgres') await db.sequelize.query('SET LOCAL jit = off', { transaction });
}

/** selectRows for the rollup-backed analytics queries: no JIT on PostgreSQL. */
export async function analyticsRows<T extends Record<string, unknown>>(
  db: Database,
  sql: string,
  options: RawSelectOptions = {},
): Promise<T[]> {
  if (db.dialect !== 'postgres') return selectRows<T>(db, sql, options);
  return db.sequelize.transaction(async (transaction) => {
    await withoutJit(db, transaction);
    const rows = await db.sequelize.query<Record<string, unknown>>(sql, {
      type: QueryTypes.SELECT,
      transaction,
      ...(options.replacements ? { replacements: options.replacements } : {}),
    });
    return rows.map((row) => {
      const out: Record<string, unknown> = { ...row };
      for (const column of options.numbers ?? []) {
        const value = row[column];
        out[column] = value === null || value === undefined ? null : Number(value);
      }
      return out as T;
    });
  });
}
