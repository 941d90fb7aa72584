import { Sequelize, type Options } from 'sequelize';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/index.js';
import type { Logger } from '../lib/logger.js';

/**
 * Opens a Sequelize instance for the configured database. Nothing connects until the first
 * query; `verifyConnection` does that at start-up.
 */
export function createSequelize(db: Config['database'], logger?: Logger): Sequelize {
  const common: Options = {
    logging: db.logging && logger ? (sql: string) => logger.debug({ sql }, 'sql') : false,
    define: {
      underscored: true,
      freezeTableName: true,
      createdAt: 'created_at',
      updatedAt: 'updated_at',
    },
    pool: { max: db.dialect === 'sqlite' ? 1 : db.poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    // Stored and returned in UTC so dates are ISO 8601 with a Z on every dialect.
    timezone: '+00:00',
  };
  if (db.dialect === 'sqlite') {
    const storage = db.storage ?? ':memory:';
    if (storage !== ':memory:') mkdirSync(dirname(storage), { recursive: true });
    const sequelize = new Sequelize({ ...common, dialect: 'sqlite', storage });
    configureSqliteConnections(sequelize);
    return sequelize;
  }
  const dialectOptions =
    db.dialect === 'mysql'
      ? // mysql2: DECIMAL as numbers, dates as UTC, utf8mb4 for any text people paste in.
        { decimalNumbers: true, charset: 'utf8mb4', supportBigNumbers: true }
      : {};
  if (db.url) return new Sequelize(db.url, { ...common, dialect: db.dialect, dialectOptions });
  return new Sequelize(db.name ?? '', db.user ?? '', db.password, {
    ...common,
    dialect: db.dialect,
    host: db.host,
    port: db.port,
    dialectOptions,
  });
}

interface SqliteConnection {
  configure(option: 'busyTimeout', ms: number): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  filename?: string;
  uuid?: string;
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteConnection>;
  getConnection: (options?: { uuid?: string }) => Promise<SqliteConnection>;
  releaseConnection: (connection: SqliteConnection, force?: boolean) => void;
  _onProcessExit: () => Promise<void>;
}

/**
 * Sequelize's SQLite dialect opens one connection per transaction and bypasses the pool's
 * connect hooks, so concurrent writers would fail at once with SQLITE_BUSY. Every connection
 * it hands out is given a busy timeout (wait instead of fail) and WAL journaling (readers
 * never block the writer) the first time it is seen.
 *
 * It also closes each transaction's connection afterwards, so every transaction paid for
 * opening the file, reading the schema and the set-up above again (about 1 ms of CPU, more
 * than the transaction's own statements; sweeps commit a group of cells every few ms). A
 * connection released after a successful commit or rollback is parked instead and handed to
 * the next transaction. (A failed commit destroys its connection, as before: it never comes
 * back in an unknown state.)
 */
function configureSqliteConnections(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const configured = new WeakSet<SqliteConnection>();
  const parked: SqliteConnection[] = [];
  const MAX_PARKED = 2;
  const original = {
    get: manager.getConnection.bind(manager),
    release: manager.releaseConnection.bind(manager),
    exit: manager._onProcessExit.bind(manager),
  };
  manager.getConnection = async (options) => {
    const uuid = options?.uuid;
    if (uuid && uuid !== 'default' && parked.length > 0) {
      const connection = parked.pop()!;
      manager.connections[uuid] = connection;
      return connection;
    }
    const connection = await original.get(options);
    if (!configured.has(connection)) {
      configured.add(connection);
      connection.configure('busyTimeout', 10_000);
      await new Promise<void>((resolve, reject) =>
        connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;', (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    }
    return connection;
  };
  manager.releaseConnection = (connection, force) => {
    const { uuid } = connection;
    if (
      uuid &&
      force !== true &&
      connection.filename !== ':memory:' &&
      parked.length < MAX_PARKED
    ) {
      delete manager.connections[uuid];
      parked.push(connection);
      return;
    }
    original.release(connection, force);
  };
  manager._onProcessExit = async () => {
    await Promise.all(
      parked
        .splice(0)
        .map((connection) => new Promise<void>((resolve) => connection.close(() => resolve()))),
    );
    await original.exit();
  };
}

/** Runs one query so start-up fails fast, with a clear message, when the database is unreachable. */
export async function verifyConnection(sequelize: Sequelize): Promise<void> {
  await sequelize.authenticate();
}
