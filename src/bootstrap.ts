import { ConfigError, loadConfigFromProcess, type Config } from './config/index.js';
import { openDatabase, type Database } from './db/index.js';
import { migrateUp } from './db/migrator.js';
import { verifyConnection } from './db/sequelize.js';
import { createLogger, type Logger } from './lib/logger.js';

/** Describes the database target without credentials, for start-up messages. */
export function describeDatabase(db: Config['database']): string {
  if (db.dialect === 'sqlite') return `SQLite at ${db.storage}`;
  if (db.url) {
    const url = new URL(db.url);
    return `${db.dialect} at ${url.hostname}:${url.port || 'default port'}${url.pathname}`;
  }
  return `${db.dialect} at ${db.host}:${db.port}/${db.name}`;
}

/** Loads config or exits with a message that names each bad variable. */
export async function loadConfigOrExit(): Promise<Config> {
  try {
    return await loadConfigFromProcess();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Connects (failing fast with a clear message) and applies pending migrations. */
export async function openMigratedDatabase(config: Config, logger: Logger): Promise<Database> {
  const db = openDatabase(config.database, logger);
  try {
    await verifyConnection(db.sequelize);
  } catch (err) {
    logger.fatal({ err }, `cannot connect to ${describeDatabase(config.database)}`);
    throw err;
  }
  const applied = await migrateUp(db.sequelize, logger);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  return db;
}

/** Logs and exits on programmer errors instead of running on in an unknown state. */
export function exitOnFatalErrors(logger: Logger): void {
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });
}

export { createLogger };
