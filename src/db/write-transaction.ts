import { Transaction } from 'sequelize';
import type { Database } from './index.js';

/** The tail of each SQLite database's queue of write transactions in this process. */
const sqliteWriters = new WeakMap<Database, Promise<unknown>>();

/**
 * A write transaction on any dialect. On SQLite, this process's write transactions queue up
 * and take the write lock up front (IMMEDIATE): a deferred transaction that reads before
 * writing cannot upgrade its lock while another writer holds it (SQLITE_BUSY at once), and
 * writers waiting inside SQLite's busy handler each pin one of libuv's four threads — with
 * more than four they starve the lock holder until the busy timeout expires (measured: 8
 * concurrent writes took 10.2 s each; queued, 53 ms in all).
 */
export function writeTransaction<T>(
  db: Database,
  fn: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  if (db.dialect !== 'sqlite') return db.sequelize.transaction(fn);
  const run = () => db.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn);
  const previous = sqliteWriters.get(db) ?? Promise.resolve();
  const result = previous.then(run, run);
  sqliteWriters.set(
    db,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
}
