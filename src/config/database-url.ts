/** Dialects the service runs on. MariaDB is spoken to through the MySQL dialect (mysql2). */
export type DbDialect = 'sqlite' | 'postgres' | 'mysql';

/** Where and how to connect; `storage` is used by SQLite only. */
export interface DatabaseTarget {
  dialect: DbDialect;
  url?: string;
  host?: string;
  port?: number;
  name?: string;
  user?: string;
  password?: string;
  storage?: string;
}

const SCHEME_TO_DIALECT: Record<string, DbDialect> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'sqlite:': 'sqlite',
};

/** Normalises the DB_DIALECT spellings people use (`postgresql`, `mariadb`, …). */
export function normaliseDialect(value: string): DbDialect | undefined {
  return SCHEME_TO_DIALECT[`${value.toLowerCase()}:`];
}

/**
 * Reads a DATABASE_URL. `sqlite:./path/db.sqlite`, `sqlite:///abs/path` and `sqlite::memory:`
 * are accepted for SQLite; `mariadb://` is rewritten to `mysql://` because Sequelize's MySQL
 * dialect (mysql2) speaks to both servers.
 */
export function parseDatabaseUrl(raw: string): DatabaseTarget | { error: string } {
  const schemeMatch = /^([a-z0-9+]+:)/i.exec(raw);
  const dialect = schemeMatch ? SCHEME_TO_DIALECT[schemeMatch[1]!.toLowerCase()] : undefined;
  if (!dialect) {
    return { error: 'expected a URL starting with postgres://, mysql://, mariadb:// or sqlite:' };
  }
  if (dialect === 'sqlite') {
    const rest = raw.slice(schemeMatch![1]!.length).replace(/^\/\//, '');
    return { dialect, storage: rest === '' ? ':memory:' : rest };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { error: 'expected a valid URL such as postgres://user:pass@host:5432/dbname' };
  }
  if (parsed.pathname.replace(/^\//, '') === '') {
    return { error: 'the URL names no database (add /dbname after the host)' };
  }
  const url = dialect === 'mysql' ? raw.replace(/^mariadb:/i, 'mysql:') : raw;
  return { dialect, url };
}
