import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import type { JobContext } from '../../src/jobs/job-queue.js';
import {
  deleteRedisKeys,
  silentLogger,
  sleep,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '../helpers/jobs-helpers.js';

const prefix = uniquePrefix('jobs-stall');
const workerScript = fileURLToPath(new URL('../helpers/jobs-stalling-worker.ts', import.meta.url));
// Short stall settings so recovery takes ~2 s; production defaults are 30 s each.
const LOCK_MS = 1_500;
const STALLED_INTERVAL_MS = 300;
const STARTED_KEY = `${prefix}:test:started`;
const DONE_KEY = `${prefix}:test:done`;

const children = new Set<ChildProcess>();

/**
 * Another process takes one job and dies holding it: starts the stalling worker, waits until
 * its handler runs, SIGKILLs it and returns the id of the job it held.
 */
async function takeJobAndDie(maxStalledCount: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
    env: {
      ...process.env,
      JOBS_REDIS_URL: testRedisUrl,
      JOBS_PREFIX: prefix,
      JOBS_LOCK_MS: String(LOCK_MS),
      JOBS_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
      JOBS_MAX_STALLED_COUNT: String(maxStalledCount),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const jobId = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /started (\S+)\n/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`stalling worker exited (${code}): ${err}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return jobId;
}

describe.skipIf(!testRedisUrl)('BullMQ job queue: a worker killed mid-job', () => {
  let redis: Redis;
  let producer: BullmqJobQueue;
  let survivor: BullmqJobQueue | undefined;

  beforeAll(() => {
    redis = new Redis(testRedisUrl!);
    producer = new BullmqJobQueue({ redisUrl: testRedisUrl!, prefix, logger: silentLogger });
  });

  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
    survivor = undefined;
    await producer.obliterate();
    await redis.del(STARTED_KEY, DONE_KEY);
  });

  afterAll(async () => {
    await producer?.close();
    await redis?.quit();
    expect(await deleteRedisKeys(prefix)).toBe(0);
  });

  /** A worker in this process, recording each run it makes in Redis. */
  function startSurvivor(maxStalledCount: number, onFailed?: (error: Error) => void) {
    survivor = new BullmqJobQueue({
      redisUrl: testRedisUrl!,
      prefix,
      logger: silentLogger,
      lockDurationMs: LOCK_MS,
      stalledIntervalMs: STALLED_INTERVAL_MS,
      maxStalledCount,
    });
    const runs: JobContext[] = [];
    survivor.process(
      'generate-cell',
      async (_payload, ctx) => {
        runs.push(ctx);
        await redis.rpush(DONE_KEY, ctx.jobId);
      },
      { concurrency: 2, ...(onFailed && { onFailed: (_p, error) => onFailed(error) }) },
    );
    return runs;
  }

  it('when its worker is SIGKILLed, then after the stall timeout another worker completes the job exactly once', async () => {
    await producer.enqueueMany('generate-cell', [
      { batchId: 21, combinationId: 1, iteration: 1 },
      { batchId: 21, combinationId: 2, iteration: 1 },
      { batchId: 21, combinationId: 3, iteration: 1 },
    ]);

    const stuckJobId = await takeJobAndDie(2);
    expect(await producer.counts('generate-cell')).toMatchObject({ active: 1, waiting: 2 });
    const runs = startSurvivor(2);

    await waitFor(async () => (await producer.counts('generate-cell')).completed === 3, {
      timeoutMs: 10_000,
      what: 'the stalled job to be recovered',
    });
    await sleep(700); // a late duplicate would show here
    const done = await redis.lrange(DONE_KEY, 0, -1);
    expect(done.sort()).toEqual([
      'generate-cell.21.1.1',
      'generate-cell.21.2.1',
      'generate-cell.21.3.1',
    ]);
    expect(await redis.lrange(STARTED_KEY, 0, -1)).toEqual([stuckJobId]);
    // A stall is not a failed attempt: the recovered run is still attempt 1.
    expect(runs.find((r) => r.jobId === stuckJobId)?.attempt).toBe(1);
    expect(await producer.counts('generate-cell')).toMatchObject({
      completed: 3,
      failed: 0,
      active: 0,
      waiting: 0,
    });
  }, 15_000);

  it('when a job stalls more often than maxStalledCount, then it fails for good and onFailed hears why', async () => {
    await producer.enqueue('generate-cell', { batchId: 22, combinationId: 1, iteration: 1 });

    await takeJobAndDie(0);
    const failures: Error[] = [];
    const runs = startSurvivor(0, (error) => failures.push(error));

    await waitFor(async () => (await producer.counts('generate-cell')).failed === 1, {
      timeoutMs: 10_000,
      what: 'the job to fail',
    });
    await waitFor(() => failures.length === 1, { what: 'onFailed' });
    expect(failures[0]?.message).toMatch(/stalled more than allowable limit/);
    expect(runs).toHaveLength(0); // the handler never ran it again
    expect(await producer.counts('generate-cell')).toMatchObject({ completed: 0, active: 0 });
  }, 15_000);
});
