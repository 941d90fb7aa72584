import { QueryTypes, Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import { selectRows } from '../../db/raw-query.js';
import { writeTransaction } from '../../db/write-transaction.js';
import type { OwnerScope } from '../../lib/auth-context.js';
import { withoutJit } from './analytics-select.js';
import { daySql, parameterSql } from './analytics-sql.js';
import { METRIC_COLUMNS } from './metric-columns.js';
import {
  bucketSql,
  DIRTY,
  DIRTY_DAYS,
  PARAMETER_ROLLUPS,
  PARAMETER_USER_ROLLUPS,
  parameterValueColumns,
  rawParameterSums,
  rawRollupValues,
  ROLLUP_PARAMETERS,
  ROLLUP_VALUES,
  ROLLUPS,
} from './rollup-sql.js';

/** Experiments rebuilt per transaction: bounds each statement's IN list and lock set. */
const CHUNK = 2000;

/**
 * Keeps the analytics rollups fresh. Triggers (migration 20261205000200) mark an experiment
 * dirty whenever one of its responses or scores is written, in the writer's transaction;
 * before an analytics query, {@link refresh} rebuilds the caller's dirty experiments from
 * their raw rows. Nothing is cached in memory, so every API and worker process sharing the
 * database sees the same state.
 *
 * A rebuild, per chunk of experiments, in one READ COMMITTED transaction:
 * 1. locks the experiments (FOR KEY SHARE / shared), so a concurrent DELETE of one waits or
 *    is waited for, never deadlocks against the rollup inserts;
 * 2. takes and deletes the marks FOR UPDATE SKIP LOCKED: a mark a writer still holds (its
 *    transaction is open) stays, so that write is rebuilt by a later read;
 * 3. replaces the experiments' rollup rows with sums over their raw rows, which every write
 *    committed before this statement is part of.
 * The rollups then equal the raw data as of step 3 for every experiment no longer marked.
 */
export class AnalyticsRollups {
  /** Refreshes in flight in this process, per scope key: concurrent readers share one. */
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly db: Database) {}

  /** Rebuilds the dirty experiments the scope can see (an admin: all). */
  refresh(scope: OwnerScope): Promise<void> {
    const key = scope.isAdmin ? 'admin' : `user:${scope.userId}`;
    const running = this.running.get(key);
    if (running) return running;
    const work = this.refreshNow(scope).finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }

  /** Dirty experiments visible to the scope (marks of deleted experiments: admin only). */
  async dirtyExperiments(scope: OwnerScope): Promise<number[]> {
    const rows = scope.isAdmin
      ? await selectRows<{ id: number }>(this.db, `SELECT experiment_id AS id FROM ${DIRTY}`, {
          numbers: ['id'],
        })
      : await selectRows<{ id: number }>(
          this.db,
          `SELECT d.experiment_id AS id FROM ${DIRTY} d
             JOIN experiments e ON e.id = d.experiment_id WHERE e.user_id = :userId`,
          { replacements: { userId: scope.userId }, numbers: ['id'] },
        );
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  /** Marks every experiment dirty (the next read rebuilds all): for bulk loads. */
  async markAll(): Promise<void> {
    await this.db.sequelize.query(
      `INSERT INTO ${DIRTY} (experiment_id) SELECT id FROM experiments e
        WHERE NOT EXISTS (SELECT 1 FROM ${DIRTY} d WHERE d.experiment_id = e.id)`,
    );
  }

  private async refreshNow(scope: OwnerScope): Promise<void> {
    if (!scope.isAdmin) {
      await this.refreshUser(scope.userId, await this.dirtyExperiments(scope));
      return;
    }
    // Marks of experiments deleted since (their rollups went by cascade).
    await this.db.sequelize.query(
      `DELETE FROM ${DIRTY} WHERE experiment_id NOT IN (SELECT id FROM experiments)`,
    );
    const ids = await this.dirtyExperiments(scope);
    const days = await selectRows<{ u: number }>(
      this.db,
      `SELECT DISTINCT user_id AS u FROM ${DIRTY_DAYS}`,
      { numbers: ['u'] },
    );
    await this.rebuild(
      ids,
      days.map((d) => d.u),
    );
  }

  /**
   * Rebuilds the given experiments' rollups (and drops their marks), owner by owner, chunk by
   * chunk, then recomputes the owners' dirty user-rollup days (and those of `alsoUsers`).
   */
  async rebuild(ids: number[], alsoUsers: number[] = []): Promise<void> {
    const owners = new Map<number | null, number[]>(alsoUsers.map((u) => [u, []]));
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await selectRows<{ id: number; user_id: number | null }>(
        this.db,
        'SELECT id, user_id FROM experiments WHERE id IN (:ids)',
        { replacements: { ids: ids.slice(i, i + CHUNK) }, numbers: ['id', 'user_id'] },
      );
      for (const row of rows) {
        const list = owners.get(row.user_id) ?? [];
        list.push(row.id);
        owners.set(row.user_id, list);
      }
    }
    for (const [user, experiments] of owners) await this.refreshUser(user, experiments);
  }

  private async refreshUser(user: number | null, ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.rebuildChunk(user, ids.slice(i, i + CHUNK));
    }
    if (user !== null) await this.recomputeUserDays(user);
  }

  private transaction(work: (transaction: Transaction) => Promise<void>): Promise<void> {
    if (this.db.dialect === 'sqlite') return writeTransaction(this.db, work);
    return this.db.sequelize.transaction(
      { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED },
      async (transaction) => {
        await withoutJit(this.db, transaction);
        await work(transaction);
      },
    );
  }

  /** Serialises the rebuilds of one user's rollups across processes (a row lock on the user). */
  private async lockUser(user: number | null, transaction: Transaction): Promise<void> {
    if (user === null || this.db.dialect === 'sqlite') return;
    const mode = this.db.dialect === 'postgres' ? 'FOR NO KEY UPDATE' : 'FOR UPDATE';
    await this.db.sequelize.query(`SELECT id FROM users WHERE id = :user ${mode}`, {
      transaction,
      replacements: { user },
    });
  }

  private async days(ids: number[], transaction: Transaction): Promise<string[]> {
    const rows = await this.db.sequelize.query<{ day: string }>(
      `SELECT DISTINCT day FROM ${ROLLUPS} WHERE experiment_id IN (:ids)`,
      { transaction, replacements: { ids }, type: QueryTypes.SELECT },
    );
    return rows.map((r) => String(r.day));
  }

  private rebuildChunk(user: number | null, ids: number[]): Promise<void> {
    return this.transaction(async (transaction) => {
      const q = (sql: string) =>
        this.db.sequelize.query(sql, { transaction, replacements: { ids } });
      const dialect = this.db.dialect;
      await this.lockUser(user, transaction);
      if (dialect === 'postgres') {
        await q('SELECT id FROM experiments WHERE id IN (:ids) ORDER BY id FOR KEY SHARE');
      } else if (dialect === 'mysql') {
        await q('SELECT id FROM experiments WHERE id IN (:ids) ORDER BY id LOCK IN SHARE MODE');
      }
      if (dialect === 'sqlite') {
        // One writer at a time: no writer can hold a mark while this transaction runs.
        await q(`DELETE FROM ${DIRTY} WHERE experiment_id IN (:ids)`);
      } else {
        const taken = await this.db.sequelize.query<{ id: number }>(
          `SELECT experiment_id AS id FROM ${DIRTY} WHERE experiment_id IN (:ids)
            ORDER BY experiment_id FOR UPDATE SKIP LOCKED`,
          { transaction, replacements: { ids }, type: QueryTypes.SELECT },
        );
        if (taken.length > 0) {
          await this.db.sequelize.query(`DELETE FROM ${DIRTY} WHERE experiment_id IN (:taken)`, {
            transaction,
            replacements: { taken: taken.map((t) => Number(t.id)) },
          });
        }
      }
      const before = await this.days(ids, transaction);
      await q(`DELETE FROM ${ROLLUPS} WHERE experiment_id IN (:ids)`);
      await q(`DELETE FROM ${PARAMETER_ROLLUPS} WHERE experiment_id IN (:ids)`);
      await q(this.insertRollupsSql('r.experiment_id IN (:ids)'));
      for (const p of ROLLUP_PARAMETERS) {
        await q(this.insertParameterRollupsSql(p, 'r.experiment_id IN (:ids)'));
      }
      if (user === null) return;
      const days = [...new Set([...before, ...(await this.days(ids, transaction))])];
      if (days.length === 0) return;
      const values = days.map((d) => `(${Number(user)}, ${this.db.sequelize.escape(d)})`);
      const insert =
        dialect === 'postgres'
          ? `INSERT INTO ${DIRTY_DAYS} (user_id, day) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`
          : `INSERT ${dialect === 'sqlite' ? 'OR IGNORE' : 'IGNORE'} INTO ${DIRTY_DAYS} (user_id, day) VALUES ${values.join(', ')}`;
      await this.db.sequelize.query(insert, { transaction });
    });
  }

  /** Recomputes the user rollups of the user's dirty days from the experiment rollups. */
  private recomputeUserDays(user: number): Promise<void> {
    return this.transaction(async (transaction) => {
      await this.lockUser(user, transaction);
      const rows = await this.db.sequelize.query<{ day: string }>(
        `SELECT day FROM ${DIRTY_DAYS} WHERE user_id = :user`,
        { transaction, replacements: { user }, type: QueryTypes.SELECT },
      );
      const days = rows.map((r) => String(r.day));
      if (days.length === 0) return;
      const q = (sql: string) =>
        this.db.sequelize.query(sql, { transaction, replacements: { user, days } });
      await q(`DELETE FROM ${DIRTY_DAYS} WHERE user_id = :user AND day IN (:days)`);
      await q(`DELETE FROM ${PARAMETER_USER_ROLLUPS} WHERE user_id = :user AND day IN (:days)`);
      const values = parameterValueColumns(METRIC_COLUMNS);
      await q(
        `INSERT INTO ${PARAMETER_USER_ROLLUPS} (user_id, day, model, parameter, bucket, ${values.join(', ')})
         SELECT e.user_id, a.day, a.model, a.parameter, a.bucket, ${values.map((c) => `SUM(a.${c})`).join(', ')}
           FROM ${PARAMETER_ROLLUPS} a JOIN experiments e ON e.id = a.experiment_id
          WHERE e.user_id = :user AND a.day IN (:days)
          GROUP BY e.user_id, a.day, a.model, a.parameter, a.bucket`,
      );
    });
  }

  /** INSERT … SELECT of analytics_rollups rows for the responses matching `where`. */
  private insertRollupsSql(where: string): string {
    return `INSERT INTO ${ROLLUPS} (experiment_id, day, model, ${ROLLUP_VALUES.join(', ')})
       SELECT r.experiment_id, ${daySql(this.db)}, r.model, ${rawRollupValues()}
         FROM responses r LEFT JOIN quality_metrics q ON q.response_id = r.id
        WHERE r.status = 'completed' AND r.experiment_id IS NOT NULL AND ${where}
        GROUP BY 1, 2, 3`;
  }

  /** INSERT … SELECT of one parameter's analytics_parameter_rollups rows. */
  private insertParameterRollupsSql(
    parameter: (typeof ROLLUP_PARAMETERS)[number],
    where: string,
  ): string {
    const values = parameterValueColumns(METRIC_COLUMNS);
    const x = 't.x';
    return `INSERT INTO ${PARAMETER_ROLLUPS} (experiment_id, day, model, parameter, bucket, ${values.join(', ')})
       SELECT t.experiment_id, t.day, t.model, '${parameter}', ${bucketSql(x, parameter)},
              ${rawParameterSums(x, METRIC_COLUMNS)}
         FROM (SELECT r.experiment_id AS experiment_id, ${daySql(this.db)} AS day, r.model AS model,
                      ${parameterSql(this.db, parameter)} AS x,
                      ${METRIC_COLUMNS.map((m) => `q.${m} AS ${m}`).join(', ')}
                 FROM responses r JOIN quality_metrics q ON q.response_id = r.id
                WHERE r.status = 'completed' AND r.experiment_id IS NOT NULL AND ${where}) t
        WHERE ${x} IS NOT NULL
        GROUP BY 1, 2, 3, 5`;
  }
}
