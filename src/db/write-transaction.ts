import { AsyncLocalStorage } from 'node:async_hooks';
import { Transaction } from 'sequelize';
import type { Database } from './index.js';

/** The tail of each SQLite database's queue of writes in this process. */
const sqliteWriters = new WeakMap<Database, Promise<unknown>>();
/** Set while a queued write runs, so a write it makes itself does not queue behind itself. */
const insideQueuedWrite = new AsyncLocalStorage<true>();

/**
 * Runs `write` in this process's queue of SQLite writes (other dialects: at once). SQLite has
 * one writer at a time; a write that finds the lock taken waits in SQLite's busy handler,
 * which sleeps 1 to 100 ms between tries while pinning one of libuv's four threads — and an
 * autocommit write waiting there also holds up every read behind it on the shared connection.
 * Queued here, writes take the lock in turn without sleeping, and reads go on meanwhile.
 */
export function queuedWrite<T>(db: Database, write: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'sqlite' || insideQueuedWrite.getStore()) return write();
  const run = () => insideQueuedWrite.run(true, write);
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

/**
 * A write transaction on any dialect. On SQLite it waits its turn in the write queue and
 * takes the write lock up front (IMMEDIATE): a deferred transaction that reads before
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
  return queuedWrite(db, () => db.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn));
}
