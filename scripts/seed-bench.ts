/**
 * Fills the configured database with synthetic bench data for scale tests:
 *
 *   npm run seed:bench -- --experiments 10000 --responses 1000000 [--seed 1] [--reset]
 *       [--days 90] [--end 2026-12-01T00:00:00Z] [--batch-rows 2000]
 *       [--token-file ./data/bench-token.txt]
 *   npm run seed:bench -- --rollups-only
 *
 * `--rollups-only` seeds nothing: it builds the analytics rollups of every experiment marked
 * dirty (after the rollups migration on an existing database, all of them), so no user's first
 * analytics read pays for it.
 *
 * Uses the normal configuration (DATABASE_URL or DB_*; SQLite under ./data by default) and
 * runs the migrations first. The `bench` user's fresh API key is written to --token-file for
 * `npm run bench:api-load`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { migrateUp } from '../src/db/migrator.js';
import { SYSTEM_SCOPE } from '../src/lib/auth-context.js';
import { AnalyticsRollups } from '../src/modules/analytics/rollups.js';
import { seedBench, type SeedBenchOptions } from './seed-bench-run.js';
import { BENCH_EMAIL, BENCH_PASSWORD, BENCH_USERNAME } from './seed-bench-users.js';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} must be a non-negative integer (got "${value}")`);
  }
  return n;
}

function parseOptions(
  argv: string[],
): SeedBenchOptions & { tokenFile: string; rollupsOnly: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      experiments: { type: 'string' },
      responses: { type: 'string' },
      seed: { type: 'string' },
      reset: { type: 'boolean', default: false },
      days: { type: 'string' },
      end: { type: 'string' },
      'batch-rows': { type: 'string' },
      'token-file': { type: 'string' },
      'rollups-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const end = values.end === undefined ? new Date() : new Date(values.end);
  if (Number.isNaN(end.getTime()))
    throw new Error(`--end must be an ISO date (got "${values.end}")`);
  const days = positiveInt('days', values.days, 90);
  const batchRows = positiveInt('batch-rows', values['batch-rows'], 2000);
  if (days < 1 || batchRows < 1) throw new Error('--days and --batch-rows must be at least 1');
  return {
    experiments: positiveInt('experiments', values.experiments, 1000),
    responses: positiveInt('responses', values.responses, 100_000),
    seed: positiveInt('seed', values.seed, 1),
    reset: values.reset,
    end,
    days,
    batchRows,
    tokenFile: values['token-file'] ?? './data/bench-token.txt',
    rollupsOnly: values['rollups-only'],
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2).filter((a) => a !== '--'));
  const config = loadConfig(process.env);
  const db = openDatabase(config.database);
  try {
    await migrateUp(db.sequelize);
    if (options.rollupsOnly) {
      const started = performance.now();
      const rollups = new AnalyticsRollups(db);
      const dirty = await rollups.dirtyExperiments(SYSTEM_SCOPE);
      await rollups.rebuild(dirty);
      console.log(
        `analytics rollups of ${dirty.length} experiments built in ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return;
    }
    console.log(
      `seeding ${options.experiments} experiments / ${options.responses} responses into ` +
        `${config.database.dialect} (seed ${options.seed}${options.reset ? ', reset' : ''})`,
    );
    const result = await seedBench(db, { ...options, log: (m) => console.log(m) });
    mkdirSync(dirname(options.tokenFile), { recursive: true });
    writeFileSync(options.tokenFile, `${result.apiKey}\n`, { mode: 0o600 });
    console.log(
      `done in ${result.seconds.toFixed(1)} s: ${result.experiments} experiments, ` +
        `${result.responses} responses (${result.failedResponses} failed), ` +
        `${result.metrics} quality metric rows — ` +
        `${Math.round(result.responses / result.seconds)} responses/s`,
    );
    console.log(
      `authenticate as "${BENCH_USERNAME}": header X-API-Key from ${options.tokenFile}, or ` +
        `POST /api/auth/login {"email":"${BENCH_EMAIL}","password":"${BENCH_PASSWORD}"}`,
    );
  } finally {
    await db.sequelize.close();
  }
}

const USAGE =
  'usage: npm run seed:bench -- [--experiments N] [--responses N] [--seed N] [--reset] ' +
  '[--days N] [--end ISO-date] [--batch-rows N] [--token-file path] | --rollups-only';

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof Error && /^(--|Unknown option|Option)/.test(err.message)) console.error(USAGE);
  process.exit(1);
});
