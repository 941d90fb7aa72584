/**
 * Dialect-correct SQL literals and multi-row INSERT statements for the bench seeder.
 *
 * The seeder writes a million rows, so it builds literal VALUES lists instead of bound
 * parameters: PostgreSQL caps a statement at 65,535 parameters (≈3k response rows) and
 * Sequelize's replacement escaping is the slowest part of a naive loader. Every value still
 * goes through the escaping below, so nothing is concatenated raw.
 */

export type SeedDialect = 'sqlite' | 'postgres' | 'mysql';

export interface Literals {
  text(value: string | null): string;
  json(value: unknown): string;
  date(value: Date): string;
  bool(value: boolean): string;
  num(value: number | null): string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC. */
function utcTimestamp(d: Date): string {
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.` +
    pad(d.getUTCMilliseconds(), 3)
  );
}

export function literalsFor(dialect: SeedDialect): Literals {
  // MySQL/MariaDB treat backslash as an escape character in string literals (unless
  // NO_BACKSLASH_ESCAPES is set); PostgreSQL (standard_conforming_strings) and SQLite do not.
  const text =
    dialect === 'mysql'
      ? (value: string | null) =>
          value === null
            ? 'NULL'
            : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/\0/g, '\\0')}'`
      : (value: string | null) => (value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`);
  return {
    text,
    json: (value) => (value === null || value === undefined ? 'NULL' : text(JSON.stringify(value))),
    // Match what Sequelize writes: SQLite keeps text with an explicit offset, PostgreSQL a
    // timestamptz (offset given so the session time zone cannot shift it), MariaDB a UTC
    // DATETIME(3).
    date: (value) => {
      const ts = utcTimestamp(value);
      if (dialect === 'sqlite') return `'${ts} +00:00'`;
      if (dialect === 'postgres') return `'${ts}+00:00'`;
      return `'${ts}'`;
    },
    bool: (value) => (dialect === 'postgres' ? (value ? 'TRUE' : 'FALSE') : value ? '1' : '0'),
    num: (value) => {
      if (value === null) return 'NULL';
      if (!Number.isFinite(value)) throw new RangeError(`cannot store ${value} in SQL`);
      return String(value);
    },
  };
}

export function quoteIdentifier(dialect: SeedDialect, name: string): string {
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/** `INSERT INTO t (cols) VALUES (…), (…)` from rows of already-escaped literals. */
export function insertStatement(
  dialect: SeedDialect,
  table: string,
  columns: readonly string[],
  rows: readonly string[][],
): string {
  const cols = columns.map((c) => quoteIdentifier(dialect, c)).join(', ');
  const values = rows.map((row) => `(${row.join(', ')})`).join(',\n');
  return `INSERT INTO ${quoteIdentifier(dialect, table)} (${cols}) VALUES\n${values}`;
}
