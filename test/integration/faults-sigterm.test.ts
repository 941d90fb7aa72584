import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createBatch, rowCounts } from '../helpers/batch-helpers.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { silentLogger, sleep, testRedisUrl, uniquePrefix } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 2: a worker process is told to stop (SIGTERM, as on every deploy) in the
 * middle of a sweep. It finishes the cells it holds (or hands them back), exits cleanly, and a
 * worker started afterwards completes the sweep: every cell exactly once, none failed.
 */
const postgresUrl = process.env.TEST_POSTGRES_URL;
const workerScript = fileURLToPath(new URL('../../src/worker.ts', import.meta.url));
const TOTAL = 48;

describe.skipIf(!testRedisUrl || !postgresUrl)('SIGTERM to a worker mid-sweep', () => {
  let ctx: TestContext;
  let user: TestUser;
  const prefix = uniquePrefix('sigterm');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // The API side: enqueues into Redis, works nothing itself (no handlers in this process).
    ctx = await createTestContext(
      { name: 'postgres', baseUrl: postgresUrl! },
      { REDIS_URL: testRedisUrl!, QUEUE_PREFIX: prefix, QUALITY_AUTO_SCORE: 'false' },
    );
    user = await createUser(ctx);
  }, 30_000);
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await ctx?.close();
    const cleaner = new BullmqJobQueue({ redisUrl: testRedisUrl!, prefix, logger: silentLogger });
    await cleaner.obliterate();
    await cleaner.close();
  });

  function startWorker(output: string[]): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: ctx.config.database.url!,
        REDIS_URL: testRedisUrl!,
        QUEUE_PREFIX: prefix,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
        // ~0.3 s a cell, four at a time: a SIGTERM always finds cells in flight.
        MOCK_LATENCY_MS: '100',
        WORKER_CONCURRENCY: '4',
        QUALITY_AUTO_SCORE: 'false',
        QUALITY_THREADS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    children.push(child);
    return child;
  }

  const cells = (batchId: number) =>
    ctx.db.models.Response.count({ where: { batch_experiment_id: batchId } });

  async function until(
    what: string,
    check: () => Promise<boolean>,
    timeoutMs: number,
    output: string[],
  ) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`${what} did not happen in time:\n${output.join('').slice(-3000)}`);
      await sleep(50);
    }
  }

  it('when a worker gets SIGTERM mid-sweep, then it exits cleanly without failing a cell, and the next worker completes every cell exactly once', async () => {
    const batch = await createBatch(ctx, user, {
      model: 'mock-balanced',
      parameter_ranges: {
        temperature: { values: [0.2, 0.5, 0.8, 1.1] },
        top_p: { values: [0.5, 0.9, 1] },
      },
      iterations_per_combination: 4,
    });
    expect(batch.total_cells).toBe(TOTAL);

    const firstOutput: string[] = [];
    const first = startWorker(firstOutput);
    await until('first cells', async () => (await cells(batch.id)) >= 6, 60_000, firstOutput);
    const exited = new Promise<number | null>((resolve) =>
      first.once('exit', (code) => resolve(code)),
    );
    first.kill('SIGTERM');
    const code = await exited;
    const afterStop = await rowCounts(ctx, batch.id);

    expect(code, firstOutput.join('').slice(-3000)).toBe(0);
    expect(firstOutput.join('')).toMatch(/worker shutting down/);
    expect(afterStop.failed).toBe(0);
    expect(afterStop.total).toBeLessThan(TOTAL);

    const secondOutput: string[] = [];
    startWorker(secondOutput);
    await until(
      'batch completion',
      async () =>
        (await ctx.db.models.BatchExperiment.findByPk(batch.id))!.get('status') === 'completed',
      90_000,
      secondOutput,
    );
    const final = await rowCounts(ctx, batch.id);
    expect(final).toMatchObject({ total: TOTAL, completed: TOTAL, failed: 0 });
    expect(new Set(final.rows.map((r: any) => `${r.combination_id}.${r.iteration}`)).size).toBe(
      TOTAL,
    );
  }, 180_000);
});
