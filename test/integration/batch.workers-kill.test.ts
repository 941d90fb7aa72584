import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createBatch, getBatch, rowCounts, waitForBatch } from '../helpers/batch-helpers.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { silentLogger, sleep, testRedisUrl, uniquePrefix } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const postgresUrl = process.env.TEST_POSTGRES_URL;
const workerScript = fileURLToPath(new URL('../../src/worker.ts', import.meta.url));

/**
 * Issue 5's exactly-once check: an API (this test process, working no jobs) and two worker
 * processes share PostgreSQL and Redis; one worker is SIGKILLed mid-sweep. Its jobs come back
 * after the (shortened) stall timeout; every cell ends with exactly one row.
 */
describe.skipIf(!testRedisUrl || !postgresUrl)('batch sweep survives a killed worker', () => {
  let ctx: TestContext;
  let user: TestUser;
  const prefix = uniquePrefix('batch-kill');
  const workers: ChildProcess[] = [];
  const env = {
    REDIS_URL: testRedisUrl!,
    QUEUE_PREFIX: prefix,
    JOBS_LOCK_MS: '1500',
    JOBS_STALLED_INTERVAL_MS: '300',
  };

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: ctx.config.database.url!,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
        MOCK_LATENCY_MS: '60',
        WORKER_CONCURRENCY: '4',
      },
      stdio: 'ignore',
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    ctx = await createTestContext({ name: 'postgres', baseUrl: postgresUrl! }, env);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    // A signalled child has exitCode null too: check both, or we would wait for an exit
    // that already happened.
    const running = workers.filter((w) => w.exitCode === null && w.signalCode === null);
    const exited = running.map((w) => new Promise((r) => w.once('exit', r)));
    for (const w of running) w.kill('SIGTERM');
    await Promise.all(exited);
    await ctx?.close();
    const cleaner = new BullmqJobQueue({ redisUrl: testRedisUrl!, prefix, logger: silentLogger });
    await cleaner.obliterate();
    await cleaner.close();
  });

  it('when one of two workers is SIGKILLed during a sweep, then every cell ends with exactly one row and the counts match', async () => {
    const victim = startWorker();
    startWorker();
    const created = await createBatch(ctx, user, {
      parameter_ranges: {
        temperature: { min: 0, max: 1.9, step: 0.1 },
        top_p: { values: [0.5, 1] },
      },
      iterations_per_combination: 2,
    });
    expect(created.total_cells).toBe(80);
    const deadline = Date.now() + 30_000;
    while ((await getBatch(ctx, user, created.id)).completed_cells < 10) {
      if (Date.now() > deadline) throw new Error('workers never started');
      await sleep(50);
    }
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));

    const done = await waitForBatch(ctx, user, created.id, undefined, 60_000);
    const rows = await rowCounts(ctx, created.id);
    expect(done).toMatchObject({ status: 'completed', completed_cells: 80, failed_cells: 0 });
    expect(rows).toMatchObject({ total: 80, completed: 80, failed: 0 });
    const keys = new Set(rows.rows.map((r: any) => `${r.combination_id}.${r.iteration}`));
    expect(keys.size).toBe(80);
    expect(done.completed_combinations).toBe(40);
  }, 90_000);
});
