import { afterEach, describe, expect, it } from 'vitest';
import { createJobQueue } from '../../src/jobs/create-job-queue.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-queue.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';
import { deferred, silentLogger, sleep, waitFor } from '../helpers/jobs-helpers.js';

const cell = (combinationId: number) => ({ batchId: 1, combinationId, iteration: 1 });

describe('in-process job queue', () => {
  let jobs: JobQueue | undefined;
  afterEach(async () => {
    await jobs?.close();
    jobs = undefined;
  });

  it('when no REDIS_URL is configured, then createJobQueue gives the in-process runner', () => {
    jobs = createJobQueue({ logger: silentLogger });
    expect(jobs).toBeInstanceOf(InProcessJobQueue);
    expect(jobs).toMatchObject({ kind: 'in-process', durable: false });
  });

  it('when jobs are queued before a handler exists, then they wait and run once it is registered', async () => {
    const q = (jobs = new InProcessJobQueue({ logger: silentLogger }));
    const runs: number[] = [];
    await q.enqueueMany('generate-cell', [cell(1), cell(2)]);
    await q.resume(); // resuming without a handler must not run anything
    await sleep(50);
    expect(await q.counts('generate-cell')).toMatchObject({ waiting: 2 });

    q.process('generate-cell', async (p) => void runs.push(p.combinationId), { concurrency: 1 });
    await waitFor(() => runs.length === 2);
    expect(runs).toEqual([1, 2]);
  });

  it('when a second handler is registered for a queue, then it is refused', () => {
    const q = (jobs = new InProcessJobQueue({ logger: silentLogger }));
    q.process('score-response', async () => {}, { concurrency: 1 });
    expect(() => q.process('score-response', async () => {}, { concurrency: 1 })).toThrow(
      /already has a handler/,
    );
  });

  it('when close times out, then running handlers see their signal aborted and waiting jobs are dropped', async () => {
    const q = new InProcessJobQueue({ logger: silentLogger, closeTimeoutMs: 100 });
    const started = deferred();
    let aborted = false;
    const runs: number[] = [];
    q.process(
      'generate-cell',
      async (p, ctx) => {
        runs.push(p.combinationId);
        started.resolve();
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        );
      },
      { concurrency: 1 },
    );
    await q.enqueueMany('generate-cell', [cell(1), cell(2)]);
    await started.promise;

    const t0 = Date.now();
    await q.close();

    expect(Date.now() - t0).toBeLessThan(1_000);
    await waitFor(() => aborted);
    await sleep(50);
    expect(runs).toEqual([1]);
    expect(await q.counts('generate-cell')).toMatchObject({ waiting: 0, delayed: 0 });
  });

  it('when a job fails during shutdown, then it is not retried', async () => {
    const q = new InProcessJobQueue({ logger: silentLogger, retry: { backoffMs: 10 } });
    const started = deferred();
    let calls = 0;
    q.process(
      'generate-cell',
      async () => {
        calls += 1;
        started.resolve();
        await sleep(50);
        throw new Error('interrupted');
      },
      { concurrency: 1 },
    );
    await q.enqueue('generate-cell', cell(1));
    await started.promise;
    await q.close();
    await sleep(100);
    expect(calls).toBe(1);
    expect(await q.counts('generate-cell')).toMatchObject({ active: 0, delayed: 0, waiting: 0 });
  });
});
