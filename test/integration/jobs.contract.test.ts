import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  InvalidJobPayloadError,
  JobQueueClosedError,
  UnrecoverableJobError,
} from '../../src/jobs/job-errors.js';
import type { JobContext, JobQueue } from '../../src/jobs/job-queue.js';
import { jobIdPrefix, type GenerateCellPayload } from '../../src/jobs/queues.js';
import {
  deferred,
  deleteRedisKeys,
  queueFactories,
  sleep,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '../helpers/jobs-helpers.js';

const prefix = uniquePrefix('jobs-contract');

const cell = (batchId: number, combinationId: number, iteration = 1): GenerateCellPayload => ({
  batchId,
  combinationId,
  iteration,
});
const label = (p: GenerateCellPayload) => `${p.batchId}/${p.combinationId}/${p.iteration}`;

afterAll(async () => {
  if (testRedisUrl) expect(await deleteRedisKeys(prefix)).toBe(0);
});

describe.each(queueFactories(prefix))('job queue contract: $name', (factory) => {
  let jobs: JobQueue | undefined;

  afterEach(async () => {
    await jobs?.close();
    jobs = undefined;
    await factory.cleanup();
  });

  function open(overrides?: { closeTimeoutMs?: number }): JobQueue {
    jobs = factory.create(overrides);
    return jobs;
  }

  describe.skipIf(!factory.available)('', () => {
    it('when a job is enqueued, then the handler receives the parsed payload under its deterministic id', async () => {
      const q = open();
      const seen: Array<{ payload: unknown; ctx: JobContext }> = [];
      q.process('generate-cell', async (payload, ctx) => void seen.push({ payload, ctx }), {
        concurrency: 2,
      });
      q.process('score-response', async (payload, ctx) => void seen.push({ payload, ctx }), {
        concurrency: 1,
      });

      const cellId = await q.enqueue('generate-cell', cell(12, 7, 2));
      const scoreId = await q.enqueue('score-response', {
        responseId: 42,
        method: 'llm_judge',
        requestId: 'r1',
      });

      expect(cellId).toBe('generate-cell.12.7.2');
      expect(scoreId).toBe('score-response.r1.42');
      await waitFor(() => seen.length === 2, { what: 'both jobs' });
      const byId = Object.fromEntries(seen.map((s) => [s.ctx.jobId, s]));
      expect(byId[cellId]?.payload).toEqual(cell(12, 7, 2));
      expect(byId[cellId]?.ctx).toMatchObject({
        queue: 'generate-cell',
        attempt: 1,
        maxAttempts: 3,
      });
      expect(byId[cellId]?.ctx.signal.aborted).toBe(false);
      expect(byId[scoreId]?.payload).toEqual({
        responseId: 42,
        method: 'llm_judge',
        requestId: 'r1',
      });
      await waitFor(async () => (await q.counts('generate-cell')).completed === 1);
    });

    it('when the same cell is enqueued twice while pending, then it runs once; once finished, it can run again', async () => {
      const q = open();
      const runs: string[] = [];
      q.process('generate-cell', async (p) => void runs.push(label(p)), { concurrency: 2 });
      await q.pause('generate-cell');

      await q.enqueue('generate-cell', cell(3, 1));
      await q.enqueue('generate-cell', cell(3, 1));
      await q.enqueueMany('generate-cell', [cell(3, 1), cell(3, 2), cell(3, 2)]);
      expect(await q.counts('generate-cell')).toMatchObject({ waiting: 2, active: 0 });

      await q.resume('generate-cell');
      await waitFor(async () => (await q.counts('generate-cell')).completed === 2);
      await sleep(200);
      expect(runs.sort()).toEqual(['3/1/1', '3/2/1']);

      // Re-queueing finished work (retry_failed, start-up recovery) runs it again.
      await q.enqueue('generate-cell', cell(3, 1));
      await waitFor(() => runs.length === 3, { what: 'the re-enqueued job' });
      expect(runs.filter((r) => r === '3/1/1')).toHaveLength(2);
    });

    it('when jobs of several priorities wait, then high runs before normal before low, FIFO within one', async () => {
      const q = open();
      const order: string[] = [];
      q.process('generate-cell', async (p) => void order.push(label(p)), { concurrency: 1 });
      await q.pause('generate-cell');

      await q.enqueue('generate-cell', cell(1, 1), { priority: 'low' });
      await q.enqueue('generate-cell', cell(1, 2), { priority: 'normal' });
      await q.enqueue('generate-cell', cell(1, 3), { priority: 'high' });
      await q.enqueueMany('generate-cell', [cell(1, 4), cell(1, 5)], { priority: 'low' });
      await q.enqueue('generate-cell', cell(1, 6)); // normal by default
      await q.enqueue('generate-cell', cell(1, 7), { priority: 'high' });
      await q.resume('generate-cell');

      await waitFor(() => order.length === 7, { what: 'all seven jobs' });
      expect(order).toEqual(['1/3/1', '1/7/1', '1/2/1', '1/6/1', '1/1/1', '1/4/1', '1/5/1']);
    });

    it('when the queue is paused, then the running job finishes and no new one starts until resume', async () => {
      const q = open();
      const started: string[] = [];
      const finished: string[] = [];
      const release = deferred();
      q.process(
        'generate-cell',
        async (p) => {
          started.push(label(p));
          if (p.combinationId === 1) await release.promise;
          finished.push(label(p));
        },
        { concurrency: 1 },
      );
      await q.enqueueMany('generate-cell', [cell(5, 1), cell(5, 2)]);
      await waitFor(() => started.length === 1, { what: 'the first job to start' });

      await q.pause('generate-cell');
      release.resolve();
      await waitFor(() => finished.length === 1, { what: 'the running job to finish' });
      await sleep(400);
      expect(started).toEqual(['5/1/1']);
      expect(await q.counts('generate-cell')).toMatchObject({
        waiting: 1,
        active: 0,
        completed: 1,
      });

      await q.resume('generate-cell');
      await waitFor(() => finished.length === 2, { what: 'the second job after resume' });
      expect(finished).toEqual(['5/1/1', '5/2/1']);
    });

    it('when concurrency is 2, then never more than two jobs run at once', async () => {
      const q = open();
      let running = 0;
      let peak = 0;
      q.process(
        'generate-cell',
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(80);
          running -= 1;
        },
        { concurrency: 2 },
      );
      await q.enqueueMany(
        'generate-cell',
        [1, 2, 3, 4, 5, 6].map((c) => cell(8, c)),
      );
      await waitFor(async () => (await q.counts('generate-cell')).completed === 6);
      expect(peak).toBe(2);
    });

    it("when one batch's jobs are cancelled by id prefix, then only that batch's waiting and delayed jobs go", async () => {
      const q = open();
      const runs: string[] = [];
      q.process('generate-cell', async (p) => void runs.push(label(p)), { concurrency: 1 });
      await q.pause('generate-cell');
      await q.enqueueMany('generate-cell', [cell(1, 1), cell(1, 2), cell(1, 3)]);
      await q.enqueue('generate-cell', cell(1, 4), { delayMs: 30_000 });
      await q.enqueueMany('generate-cell', [cell(2, 1), cell(2, 2), cell(11, 1)]);
      expect(await q.counts('generate-cell')).toMatchObject({ waiting: 6, delayed: 1 });

      const removed = await q.cancel('generate-cell', {
        idPrefix: jobIdPrefix('generate-cell', 1),
      });
      const removedById = await q.cancel('generate-cell', {
        jobIds: ['generate-cell.2.2.1', 'nope'],
      });

      expect(removed).toBe(4);
      expect(removedById).toBe(1);
      expect(await q.counts('generate-cell')).toMatchObject({ waiting: 2, delayed: 0 });
      await q.resume('generate-cell');
      await waitFor(async () => (await q.counts('generate-cell')).completed === 2);
      await sleep(100);
      expect(runs.sort()).toEqual(['11/1/1', '2/1/1']);
    });

    it('when a handler keeps throwing, then it is retried up to its attempts and reported failed once', async () => {
      const q = open();
      const attempts: number[] = [];
      const failures: Array<{ payload: unknown; error: Error; ctx: JobContext }> = [];
      q.process(
        'generate-cell',
        async (_p, ctx) => {
          attempts.push(ctx.attempt);
          throw new Error(`provider down (run ${ctx.attempt})`);
        },
        {
          concurrency: 1,
          onFailed: (payload, error, ctx) => void failures.push({ payload, error, ctx }),
        },
      );
      await q.enqueue('generate-cell', cell(4, 1));

      await waitFor(async () => (await q.counts('generate-cell')).failed === 1, {
        what: 'failure',
      });
      await sleep(150);
      expect(attempts).toEqual([1, 2, 3]);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.payload).toEqual(cell(4, 1));
      expect(failures[0]?.error.message).toBe('provider down (run 3)');
      expect(failures[0]?.ctx).toMatchObject({
        attempt: 3,
        maxAttempts: 3,
        jobId: 'generate-cell.4.1.1',
      });
      expect(await q.counts('generate-cell')).toMatchObject({
        completed: 0,
        active: 0,
        delayed: 0,
      });
    });

    it('when a handler fails once and then succeeds, then the job completes on its second attempt', async () => {
      const q = open();
      const attempts: number[] = [];
      q.process(
        'score-response',
        async (_p, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt === 1) throw new Error('transient');
        },
        { concurrency: 1 },
      );
      await q.enqueue('score-response', { responseId: 9, requestId: 'r1' });
      await waitFor(async () => (await q.counts('score-response')).completed === 1);
      expect(attempts).toEqual([1, 2]);
    });

    it('when a handler throws UnrecoverableJobError, then the job fails at once without retries', async () => {
      const q = open();
      let calls = 0;
      const failures: Error[] = [];
      q.process(
        'generate-cell',
        async () => {
          calls += 1;
          throw new UnrecoverableJobError('experiment was deleted');
        },
        { concurrency: 1, onFailed: (_p, error) => void failures.push(error) },
      );
      await q.enqueue('generate-cell', cell(6, 1));
      await waitFor(async () => (await q.counts('generate-cell')).failed === 1, {
        what: 'failure',
      });
      await sleep(200);
      expect(calls).toBe(1);
      expect(failures.map((e) => e.message)).toEqual(['experiment was deleted']);
    });

    it('when a failed job is enqueued again (retry_failed), then it runs again under the same id', async () => {
      const q = open();
      const calls: string[] = [];
      q.process(
        'generate-cell',
        async (_p, ctx) => {
          calls.push(ctx.jobId);
          if (calls.length === 1) throw new UnrecoverableJobError('judge unavailable');
        },
        { concurrency: 1 },
      );
      await q.enqueue('generate-cell', cell(13, 1));
      await waitFor(async () => (await q.counts('generate-cell')).failed === 1, {
        what: 'failure',
      });

      await q.enqueue('generate-cell', cell(13, 1));

      await waitFor(async () => (await q.counts('generate-cell')).completed === 1);
      expect(calls).toEqual(['generate-cell.13.1.1', 'generate-cell.13.1.1']);
    });

    it('when a payload does not match its schema, then enqueue rejects and nothing is queued', async () => {
      const q = open();
      await expect(
        q.enqueue('generate-cell', { batchId: 0, combinationId: 1, iteration: 1 }),
      ).rejects.toBeInstanceOf(InvalidJobPayloadError);
      await expect(
        q.enqueueMany('generate-cell', [cell(1, 1), { batchId: 1, combinationId: 2 } as any]),
      ).rejects.toThrow(/Invalid payload for queue generate-cell/);
      await expect(
        q.enqueue('score-response', { responseId: 1, method: 'astrology' as any, requestId: 'r1' }),
      ).rejects.toBeInstanceOf(InvalidJobPayloadError);
      expect(await q.counts('generate-cell')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 0,
        failed: 0,
      });
    });

    it('when a job is delayed, then it waits in delayed and runs afterwards', async () => {
      const q = open();
      const runs: number[] = [];
      q.process('generate-cell', async () => void runs.push(Date.now()), { concurrency: 1 });
      const enqueuedAt = Date.now();
      await q.enqueue('generate-cell', cell(7, 1), { delayMs: 400 });
      expect(await q.counts('generate-cell')).toMatchObject({ delayed: 1, waiting: 0 });
      await waitFor(() => runs.length === 1, { what: 'the delayed job' });
      expect(runs[0]! - enqueuedAt).toBeGreaterThanOrEqual(350);
    });

    it('when closed, then the running job finishes first and later enqueues are refused', async () => {
      const q = open();
      const finished: string[] = [];
      const started = deferred();
      q.process(
        'generate-cell',
        async (p) => {
          started.resolve();
          await sleep(300);
          finished.push(label(p));
        },
        { concurrency: 1 },
      );
      await q.enqueue('generate-cell', cell(9, 1));
      await started.promise;

      await q.close();

      expect(finished).toEqual(['9/1/1']);
      await expect(q.enqueue('generate-cell', cell(9, 2))).rejects.toBeInstanceOf(
        JobQueueClosedError,
      );
    });

    it("when close times out, then the running handler's signal is aborted and close returns", async () => {
      const q = open({ closeTimeoutMs: 200 });
      const started = deferred();
      let aborted = false;
      q.process(
        'generate-cell',
        async (_p, ctx) => {
          started.resolve();
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener('abort', () => resolve()),
          );
          aborted = true;
          throw new Error('aborted by shutdown');
        },
        { concurrency: 1 },
      );
      await q.enqueue('generate-cell', cell(10, 1));
      await started.promise;

      const t0 = Date.now();
      await q.close();

      expect(Date.now() - t0).toBeLessThan(1_500);
      expect(aborted).toBe(true);
    });
  });
});
