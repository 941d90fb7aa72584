/**
 * Bulk-loads synthetic experiments, responses and quality metrics for scale benchmarks.
 *
 * Rows get explicit ids (MAX(id) + 1 onwards) so quality_metrics can reference responses
 * without a round trip per row; PostgreSQL's sequences are moved past them at the end
 * (SQLite AUTOINCREMENT and MariaDB AUTO_INCREMENT follow explicit ids by themselves). Do not
 * run it while the API is writing to the same tables.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../src/db/index.js';
import { SYSTEM_SCOPE } from '../src/lib/auth-context.js';
import { createRng } from '../src/lib/random.js';
import { AnalyticsRollups } from '../src/modules/analytics/rollups.js';
import { allocateResponses, syntheticExperiment, type Rng } from './seed-bench-data.js';
import {
  EXPERIMENT_COLUMNS,
  METRIC_COLUMNS,
  RESPONSE_COLUMNS,
  experimentRow,
  metricRow,
  responseRow,
  type PlannedExperiment,
} from './seed-bench-rows.js';
import { insertStatement, literalsFor, type Literals, type SeedDialect } from './seed-bench-sql.js';
import { benchUserIds, ensureBenchUsers } from './seed-bench-users.js';

export interface SeedBenchOptions {
  experiments: number;
  responses: number;
  /** PRNG seed: the same seed, counts and `end` give the same rows. */
  seed: number;
  /** Delete the bench users' experiments (and their responses and metrics) first. */
  reset: boolean;
  /** Latest creation time; data spreads over the `days` before it (default now, 90). */
  end?: Date;
  days?: number;
  /** Rows per INSERT statement (default 2000). */
  batchRows?: number;
  /** INSERT transactions in flight at once on PostgreSQL/MariaDB (default 2). */
  concurrency?: number;
  log?: (message: string) => void;
}

export interface SeedBenchResult {
  benchUserId: number;
  otherUserId: number;
  apiKey: string;
  experiments: number;
  responses: number;
  failedResponses: number;
  metrics: number;
  seconds: number;
}

const DAY_MS = 86_400_000;
const FAILED_EXPERIMENT_FAILURE_RATE = 0.6;
const UNSCORED_RATE = 0.02;

export async function seedBench(db: Database, options: SeedBenchOptions): Promise<SeedBenchResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const dialect = db.dialect as SeedDialect;
  const lit = literalsFor(dialect);
  const batchRows = options.batchRows ?? 2000;
  const end = options.end ?? new Date();
  const days = options.days ?? 90;

  if (options.reset) await deleteBenchData(db, log);
  const users = await ensureBenchUsers(db);
  const rng = createRng(options.seed);

  const plan = await planExperiments(db, rng, options.experiments, options.responses, {
    users,
    end,
    days,
  });
  for (let i = 0; i < plan.length; i += batchRows) {
    const rows = plan.slice(i, i + batchRows).map((e) => experimentRow(lit, e));
    await db.sequelize.query(insertStatement(dialect, 'experiments', EXPERIMENT_COLUMNS, rows));
  }
  log(`experiments: ${plan.length} inserted (${elapsed(started)})`);

  // The analytics triggers (mark an experiment dirty on every write) make two concurrent bulk
  // inserters wait on each other's marks; this load marks nothing and rebuilds the rollups of
  // what it inserted at the end. PostgreSQL only: it can switch a table's triggers off.
  const pausedTriggers = dialect === 'postgres';
  if (pausedTriggers) await setAnalyticsTriggers(db, 'DISABLE');
  const counts = await insertResponses(db, dialect, lit, rng, plan, {
    batchRows,
    // SQLite has one writer; server databases ingest faster with a second connection busy.
    concurrency: dialect === 'sqlite' ? 1 : (options.concurrency ?? 2),
    total: options.responses,
    started,
    log,
  }).finally(() => (pausedTriggers ? setAnalyticsTriggers(db, 'ENABLE') : undefined));
  if (dialect === 'postgres') {
    for (const table of ['experiments', 'responses', 'quality_metrics']) {
      await db.sequelize.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT MAX(id) FROM ${table}), 1))`,
      );
    }
  }
  // Build the analytics rollups of the seeded experiments (and of any marked dirty) now, so the
  // first dashboard does not pay for it (and the load bench measures steady state).
  const rollups = new AnalyticsRollups(db);
  const dirty = await rollups.dirtyExperiments(SYSTEM_SCOPE);
  await rollups.rebuild([...new Set([...dirty, ...plan.map((e) => e.id)])]);
  log(`analytics rollups built (${elapsed(started)})`);
  await refreshPlannerStatistics(db);
  log(`statistics refreshed (${elapsed(started)})`);
  return {
    benchUserId: users.benchUserId,
    otherUserId: users.otherUserId,
    apiKey: users.apiKey,
    experiments: plan.length,
    ...counts,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Switches the analytics triggers of the response tables off or on (table owner only). */
async function setAnalyticsTriggers(db: Database, mode: 'ENABLE' | 'DISABLE'): Promise<void> {
  for (const table of ['responses', 'quality_metrics']) {
    await db.sequelize.query(`ALTER TABLE ${table} ${mode} TRIGGER USER`);
  }
}

/**
 * Fresh planner statistics, and on PostgreSQL a vacuumed visibility map: without it every
 * index-only scan (per-experiment counts) visits the heap until autovacuum catches up, and
 * the first benchmark would measure that instead of steady state.
 */
async function refreshPlannerStatistics(db: Database): Promise<void> {
  const tables =
    'experiments, responses, quality_metrics, analytics_rollups, analytics_parameter_rollups, analytics_parameter_user_rollups';
  if (db.dialect === 'postgres') await db.sequelize.query(`VACUUM ANALYZE ${tables}`);
  else if (db.dialect === 'mysql') await db.sequelize.query(`ANALYZE TABLE ${tables}`);
  else await db.sequelize.query('ANALYZE');
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

async function maxId(db: Database, table: string): Promise<number> {
  const [row] = await db.sequelize.query<{ max_id: unknown }>(
    `SELECT MAX(id) AS max_id FROM ${table}`,
    { type: QueryTypes.SELECT },
  );
  return Number(row?.max_id ?? 0);
}

async function planExperiments(
  db: Database,
  rng: Rng,
  count: number,
  totalResponses: number,
  context: { users: { benchUserId: number; otherUserId: number }; end: Date; days: number },
): Promise<PlannedExperiment[]> {
  const firstId = (await maxId(db, 'experiments')) + 1;
  const allocation = allocateResponses(rng, totalResponses, count);
  const endMs = context.end.getTime();
  return allocation.map((responseCount, i) => {
    const createdMs = endMs - rng() * context.days * DAY_MS;
    return {
      id: firstId + i,
      ownerId: rng() < 0.9 ? context.users.benchUserId : context.users.otherUserId,
      spec: syntheticExperiment(rng, i),
      responseCount,
      createdAt: new Date(Math.floor(createdMs)),
      spanMs: Math.min(endMs - createdMs, rng() * 3 * DAY_MS),
    };
  });
}

interface ResponseCounts {
  responses: number;
  failedResponses: number;
  metrics: number;
}

async function insertResponses(
  db: Database,
  dialect: SeedDialect,
  lit: Literals,
  rng: Rng,
  plan: PlannedExperiment[],
  context: {
    batchRows: number;
    concurrency: number;
    total: number;
    started: number;
    log: (m: string) => void;
  },
): Promise<ResponseCounts> {
  let responseId = (await maxId(db, 'responses')) + 1;
  let metricId = (await maxId(db, 'quality_metrics')) + 1;
  const counts: ResponseCounts = { responses: 0, failedResponses: 0, metrics: 0 };
  let responseRows: string[][] = [];
  let metricRows: string[][] = [];
  // Batches in flight: the database works on up to `concurrency` while Node builds the next.
  const inFlight: Promise<void>[] = [];
  let nextReport = context.total / 20;

  const flush = async () => {
    const responses = responseRows;
    const metrics = metricRows;
    responseRows = [];
    metricRows = [];
    if (inFlight.length >= context.concurrency) await inFlight.shift();
    const write = db.sequelize.transaction(async (transaction: Transaction) => {
      if (responses.length > 0) {
        const sql = insertStatement(dialect, 'responses', RESPONSE_COLUMNS, responses);
        await db.sequelize.query(sql, { transaction });
      }
      if (metrics.length > 0) {
        const sql = insertStatement(dialect, 'quality_metrics', METRIC_COLUMNS, metrics);
        await db.sequelize.query(sql, { transaction });
      }
    });
    // Marked handled here; the rejection still surfaces when this write is awaited.
    write.catch(() => undefined);
    inFlight.push(write);
  };

  for (const experiment of plan) {
    const failureRate =
      experiment.spec.status === 'failed'
        ? FAILED_EXPERIMENT_FAILURE_RATE
        : experiment.spec.profile.failureRate;
    for (let i = 0; i < experiment.responseCount; i += 1) {
      const createdAt = new Date(
        experiment.createdAt.getTime() +
          Math.floor((experiment.spanMs * (i + rng())) / experiment.responseCount),
      );
      const failed = rng() < failureRate;
      const row = responseRow(lit, rng, experiment, {
        id: responseId,
        iteration: i + 1,
        createdAt,
        failed,
      });
      responseRows.push(row.values);
      if (failed) counts.failedResponses += 1;
      else if (rng() >= UNSCORED_RATE) {
        metricRows.push(
          metricRow(lit, rng, experiment, row.parameters, { id: metricId, responseId, createdAt }),
        );
        metricId += 1;
        counts.metrics += 1;
      }
      responseId += 1;
      counts.responses += 1;
      if (responseRows.length >= context.batchRows) await flush();
      if (counts.responses >= nextReport) {
        const pct = ((100 * counts.responses) / context.total).toFixed(0);
        context.log(
          `responses: ${counts.responses}/${context.total} (${pct}%) ${elapsed(context.started)}`,
        );
        nextReport += context.total / 20;
      }
    }
  }
  await flush();
  await Promise.all(inFlight);
  return counts;
}

/** Removes the bench users' experiments with their responses and metrics (children first). */
async function deleteBenchData(db: Database, log: (m: string) => void): Promise<void> {
  const ids = await benchUserIds(db);
  if (ids.length === 0) return;
  const users = ids.join(', ');
  const experiments = `SELECT id FROM experiments WHERE user_id IN (${users})`;
  const responses = `SELECT id FROM responses WHERE experiment_id IN (${experiments})`;
  const started = performance.now();
  await db.sequelize.query(`DELETE FROM quality_metrics WHERE response_id IN (${responses})`);
  await db.sequelize.query(`DELETE FROM responses WHERE experiment_id IN (${experiments})`);
  await db.sequelize.query(`DELETE FROM experiments WHERE user_id IN (${users})`);
  log(`reset: previous bench data deleted (${elapsed(started)})`);
}
