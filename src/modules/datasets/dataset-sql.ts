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

/**
 * A GLOB pattern matching `term` anywhere, case-insensitively: each letter becomes a class of
 * its cased forms (`é` → `[éÉ]`) and GLOB's own wildcards are made literal. (The same rule as
 * the experiments search; SQLite's LOWER() and LIKE fold ASCII letters only.)
 */
function caseInsensitiveGlob(term: string): string {
  let pattern = '*';
  for (const char of term) {
    // Only one-character case mappings: 'ß'.toUpperCase() is 'SS', which no class can hold.
    const forms = new Set(
      [char, char.toLowerCase(), char.toUpperCase()].filter((f) => [...f].length === 1),
    );
    if (forms.size > 1) pattern += `[${[...forms].join('')}]`;
    else pattern += '*?['.includes(char) ? `[${char}]` : char;
  }
  return `${pattern}*`;
}

/** Case-insensitive substring match of `term` on any of `columns`, the same on every dialect. */
export function searchAny(db: Database, columns: string[], term: string): string {
  if (db.dialect === 'sqlite') {
    const glob = db.sequelize.escape(caseInsensitiveGlob(term));
    return `(${columns.map((c) => `${c} GLOB ${glob}`).join(' OR ')})`;
  }
  // '!' escapes LIKE wildcards portably (the default escape character differs by dialect).
  const pattern = db.sequelize.escape(`%${term.toLowerCase().replace(/[!%_]/g, '!$&')}%`);
  return `(${columns.map((c) => `LOWER(COALESCE(${c}, '')) LIKE ${pattern} ESCAPE '!'`).join(' OR ')})`;
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
