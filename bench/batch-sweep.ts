/**
 * Sweep throughput: a 1,000-cell batch (20 temperatures × 25 top_p × 2 iterations) on the mock
 * provider, every cell generated, scored on all eight dimensions and stored, timed from creation
 * to the batch's final status.
 *
 *   npm run bench:batch-sweep                         # embedded: SQLite + in-process queue
 *   BENCH_DATABASE_URL=postgres://… npm run bench:batch-sweep
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:batch-sweep   # BullMQ
 *   BENCH_LATENCY_MS=200 BENCH_CONCURRENCY=16 npm run bench:batch-sweep
 *
 * BENCH_LATENCY_MS simulates provider latency per 100 generated tokens (the mock's unit).
 * QUALITY_THREADS=N scores on N worker threads (default: cores − 2, at most 4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { migrateUp } from '../src/db/migrator.js';
import { registerJobHandlers } from '../src/jobs/handlers.js';
import { createLogger } from '../src/lib/logger.js';
import { buildServices } from '../src/services.js';

// Measure the code as `npm start` runs it: compiled JavaScript without source maps. tsx turns
// source maps on, and Sequelize's SQLite dialect formats a stack trace on every query, which
// with source maps costs more than the query.
process.setSourceMapsEnabled(false);
const env = process.env;
const dir = mkdtempSync(join(tmpdir(), 'lqa-sweep-'));
const databaseUrl = env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'sweep.sqlite')}`;
const concurrency = env.BENCH_CONCURRENCY ?? '16';
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: databaseUrl,
  JWT_SECRET: 'x'.repeat(40),
  MOCK_LATENCY_MS: env.BENCH_LATENCY_MS ?? '0',
  LLM_CONCURRENCY: concurrency,
  WORKER_CONCURRENCY: concurrency,
  ...(env.QUALITY_THREADS ? { QUALITY_THREADS: env.QUALITY_THREADS } : {}),
  ...(env.BENCH_REDIS_URL
    ? { REDIS_URL: env.BENCH_REDIS_URL, QUEUE_PREFIX: `bench${Date.now()}` }
    : {}),
});
const logger = createLogger('silent');
const db = openDatabase(config.database, logger);
await migrateUp(db.sequelize);
const services = buildServices({ config, db, logger });
registerJobHandlers(services.jobs, services, { concurrency: config.jobs.concurrency });

const user = await db.models.User.create({
  username: `bench${Date.now()}`,
  email: `bench${Date.now()}@example.com`,
  password_hash: 'unused',
});
const auth = { userId: user.get('id') as number, role: 'user' as const, via: 'token' as const };
// Warm-up, outside the timing: loads the NLP model and starts the scoring threads (they start
// on demand), as in a server that has scored before. Cold, the first sweep pays ~0.3 s more
// (compiled; ~1 s from the TypeScript sources).
await services.scoring.score({ content: 'Warm-up text. It has two sentences.' });
const started = performance.now();
// CPU and main-thread figures: unlike cells/s they hold up when other programs share the cores.
const cpuBefore = process.cpuUsage();
const eluBefore = performance.eventLoopUtilization();
const batch = await services.batches.create(auth, {
  name: 'throughput bench',
  prompt: 'Write a short story about a lighthouse keeper',
  model: 'mock-balanced',
  parameter_ranges: {
    temperature: { min: 0.05, max: 1.0, step: 0.05 },
    top_p: { min: 0.04, max: 1.0, step: 0.04 },
  },
  iterations_per_combination: 2,
  priority: 'normal',
} as Parameters<typeof services.batches.create>[1]);

for (;;) {
  // A one-column read: the full GET computes live statistics over every cell, which would
  // measure the polling instead of the sweep.
  const row = await db.models.BatchExperiment.findByPk(batch.id, { attributes: ['status'] });
  if (['completed', 'failed', 'stopped'].includes(String(row?.get('status')))) {
    const current = await services.batches.get(auth, batch.id);
    const seconds = (performance.now() - started) / 1000;
    const cells = current.total_cells;
    console.log(
      `${cells} cells (${current.completed_cells} completed, ${current.failed_cells} failed) on ` +
        `${databaseUrl.split(':')[0]} + ${services.jobs.kind} queue, concurrency ${concurrency}, ` +
        `mock latency ${config.llm.mock.latencyMsPer100Tokens} ms/100 tokens: ` +
        `${seconds.toFixed(2)} s = ${(cells / seconds).toFixed(0)} cells/s`,
    );
    const cpu = process.cpuUsage(cpuBefore);
    const elu = performance.eventLoopUtilization(eluBefore);
    console.log(
      `process CPU ${((cpu.user + cpu.system) / 1000 / cells).toFixed(2)} ms per cell (all threads); ` +
        `main thread busy ${(elu.utilization * 100).toFixed(0)}% = ${(elu.active / cells).toFixed(2)} ms per cell`,
    );
    if (config.llm.mock.latencyMsPer100Tokens > 0) {
      // Latency-bound runs: the ideal is C cells per mean provider latency.
      const latency = Number(
        await db.models.Response.aggregate('response_time', 'avg', {
          where: { batch_experiment_id: batch.id },
        }),
      );
      const ideal = Number(concurrency) / latency;
      console.log(
        `mean provider latency ${(latency * 1000).toFixed(0)} ms → ideal ${ideal.toFixed(0)} cells/s; ` +
          `achieved ${((cells / seconds / ideal) * 100).toFixed(0)}% of it`,
      );
    }
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await services.jobs.close();
await services.close();
await db.sequelize.close();
rmSync(dir, { recursive: true, force: true });
