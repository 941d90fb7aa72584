import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from './index.js';
import { queuedWrite } from './write-transaction.js';

/**
 * Single-row INSERT and UPDATE by id without the model layer, for the hot path of sweeps (a
 * batch cell writes three rows). Sequelize's model methods cost about four times a raw
 * statement here (instance building, validation, hooks); these write the same values the
 * models would, on every dialect. Table and column names come from our code, never from input.
 * On SQLite, writes outside a transaction wait their turn in the process's write queue.
 */

type Values = Record<string, unknown>;

/** A value as the column expects it: JSON as text, dates in the dialect's format. */
function toColumnValue(db: Database, value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    // Sequelize's own escaping drops milliseconds on MySQL/MariaDB; DATE(3) keeps them.
    if (db.dialect === 'mysql') return iso.replace('T', ' ').replace('Z', '');
    // The format the SQLite dialect writes (and reads back) for DATE columns.
    if (db.dialect === 'sqlite') return `${iso.replace('T', ' ').replace('Z', '')} +00:00`;
    return iso;
  }
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

function replacementsFor(db: Database, values: Values): Values {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toColumnValue(db, v)]));
}

/** Inserts one row and returns its id. A duplicate key still raises UniqueConstraintError. */
export async function insertRow(db: Database, table: string, values: Values): Promise<number> {
  const qi = db.sequelize.getQueryInterface();
  const columns = Object.keys(values);
  const sql =
    `INSERT INTO ${qi.quoteIdentifier(table)} (${columns.map((c) => qi.quoteIdentifier(c)).join(', ')}) ` +
    `VALUES (${columns.map((c) => `:${c}`).join(', ')})`;
  const replacements = replacementsFor(db, values);
  if (db.dialect === 'postgres') {
    const rows = await db.sequelize.query<{ id: number }>(`${sql} RETURNING id`, {
      type: QueryTypes.SELECT,
      replacements,
    });
    return Number(rows[0]!.id);
  }
  // SQLite and MySQL/MariaDB answer an INSERT with [insert id, affected rows].
  const [id] = (await queuedWrite(db, () =>
    db.sequelize.query(sql, { type: QueryTypes.INSERT, replacements }),
  )) as [unknown, number];
  return Number(id);
}

/**
 * Inserts rows (all with the same columns) in one statement and returns each inserted row's
 * `returning` columns (integer columns: ids and keys), in no promised order (match them by a key). One statement is one
 * round trip and one commit for a whole group of sweep cells. A duplicate key fails the whole
 * statement with UniqueConstraintError. INSERT … RETURNING: SQLite ≥ 3.35, PostgreSQL,
 * MariaDB ≥ 10.5.
 */
export async function insertRows<R extends Record<string, unknown>>(
  db: Database,
  table: string,
  rows: readonly Values[],
  returning: readonly string[],
  transaction?: Transaction,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const qi = db.sequelize.getQueryInterface();
  const columns = Object.keys(rows[0]!);
  const replacements: Values = {};
  const tuples = rows.map((row, i) => {
    for (const column of columns) replacements[`${column}_${i}`] = toColumnValue(db, row[column]);
    return `(${columns.map((column) => `:${column}_${i}`).join(', ')})`;
  });
  // The leading comment matters on SQLite: Sequelize runs a statement that starts with
  // "INSERT INTO" without reading result rows, which would drop the RETURNING rows.
  const sql =
    `/* rows */ INSERT INTO ${qi.quoteIdentifier(table)} ` +
    `(${columns.map((c) => qi.quoteIdentifier(c)).join(', ')}) VALUES ${tuples.join(', ')} ` +
    `RETURNING ${returning.map((c) => qi.quoteIdentifier(c)).join(', ')}`;
  const insert = () =>
    db.sequelize.query<Record<string, unknown>>(sql, {
      type: QueryTypes.SELECT,
      replacements,
      ...(transaction ? { transaction } : {}),
    });
  const result = await (transaction ? insert() : queuedWrite(db, insert));
  // Drivers differ in how they return integers (PostgreSQL BIGINT as text): numbers here.
  return result.map(
    (row) => Object.fromEntries(returning.map((c) => [c, Number(row[c])])) as unknown as R,
  );
}

/**
 * Updates the row with this id; returns whether a row changed. `condition` (fixed SQL from
 * our code, e.g. `status <> 'completed'`) makes the update conditional, so two writers race
 * safely: only one sees its update applied.
 */
export async function updateRowById(
  db: Database,
  table: string,
  id: number,
  values: Values,
  condition?: string,
): Promise<boolean> {
  const qi = db.sequelize.getQueryInterface();
  const sets = Object.keys(values).map((c) => `${qi.quoteIdentifier(c)} = :${c}`);
  const sql = `UPDATE ${qi.quoteIdentifier(table)} SET ${sets.join(', ')} WHERE id = :__id${condition ? ` AND (${condition})` : ''}`;
  const replacements = { ...replacementsFor(db, values), __id: id };
  const [, affected] = (await queuedWrite(db, () =>
    db.sequelize.query(sql, { type: QueryTypes.UPDATE, replacements }),
  )) as [unknown, number];
  return affected > 0;
}
