import type { Database } from '../../db/index.js';

/*
 * The dialect-specific SQL fragments of the datasets feature (JSON tag arrays, case-insensitive
 * search, booleans), kept in one place so the repositories read the same on every database.
 */

/** `column` (a JSON array of strings) contains `value`; false for NULL or non-arrays. */
export function jsonArrayContains(db: Database, column: string, value: string): string {
  const quoted = db.sequelize.escape(value);
  switch (db.dialect) {
    case 'postgres':
      return `(COALESCE(${column}::jsonb, '[]'::jsonb) ? ${quoted})`;
    case 'mysql':
      return `COALESCE(JSON_CONTAINS(${column}, JSON_QUOTE(${quoted})), 0) = 1`;
    default:
      return `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${quoted})`;
  }
}

/** `column` contains any of `values` (an OR of containment tests). */
export function jsonArrayContainsAny(db: Database, column: string, values: string[]): string {
  return `(${values.map((v) => jsonArrayContains(db, column, v)).join(' OR ')})`;
}

/**
 * A FROM-clause fragment that yields one row per element of `column` (a JSON array of
 * strings) of the table aliased `alias`, as `<as>.value`. Rows with NULL tags yield nothing.
 */
export function jsonArrayElements(db: Database, column: string, as: string): string {
  switch (db.dialect) {
    case 'postgres':
      return `CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(${column}::jsonb) = 'array' THEN ${column}::jsonb ELSE '[]'::jsonb END
      ) AS ${as}(value)`;
    case 'mysql':
      return `JOIN JSON_TABLE(${column}, '$[*]' COLUMNS (value VARCHAR(255) PATH '$')) AS ${as}`;
    default:
      return `JOIN json_each(CASE WHEN json_valid(${column}) THEN ${column} ELSE '[]' END) AS ${as}`;
  }
}

/** The number of elements of `column`, a JSON array. */
export function jsonArrayLength(db: Database, column: string): string {
  switch (db.dialect) {
    case 'postgres':
      return `jsonb_array_length(${column}::jsonb)`;
    case 'mysql':
      return `JSON_LENGTH(${column})`;
    default:
      return `json_array_length(${column})`;
  }
}

/** A boolean literal the dialect compares with its boolean columns. */
export function sqlBool(db: Database, value: boolean): string {
  if (db.dialect === 'postgres') return value ? 'TRUE' : 'FALSE';
  return value ? '1' : '0';
}
