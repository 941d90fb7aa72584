/**
 * The job processors: thin — parse (done by the queue), then call a service. Registered by
 * every process that works jobs (API unless WORKERS_IN_API=false, and `npm run worker`).
 */
import type { Services } from '../services.js';
import type { JobQueue } from './job-queue.js';

export interface HandlerOptions {
  /** Jobs worked at once by this process (WORKER_CONCURRENCY). */
  concurrency: number;
}

export function registerJobHandlers(
  jobs: JobQueue,
  services: Pick<Services, 'batchRunner' | 'rescore'>,
  options: HandlerOptions,
): void {
  jobs.process(
    'generate-cell',
    (payload, ctx) => services.batchRunner.runCell(payload, ctx.signal),
    {
      concurrency: options.concurrency,
      // Attempts exhausted (e.g. the database kept failing): an error on the cell, stored.
      onFailed: (payload, error) => services.batchRunner.cellFailedForGood(payload, error),
    },
  );
  jobs.process('score-response', (payload) => services.rescore.rescoreOne(payload), {
    concurrency: options.concurrency,
    onFailed: (payload, error) => services.rescore.rescoreFailed(payload, error),
  });
  // A Redis that restarted empty lost the queued cells; the database still knows them (and
  // re-queueing a job that survived is a no-op: deterministic ids).
  jobs.onReconnect?.(() => services.batchRunner.requeueAll());
}

/**
 * Re-queues the cells of every queued or running batch that have no finished row. Needed at
 * start-up with the in-process queue (its jobs die with the process); harmless with BullMQ,
 * whose deterministic job ids make re-enqueueing a waiting job a no-op.
 */
export async function requeueUnfinishedBatches(
  services: Pick<Services, 'batchRunner'>,
): Promise<number> {
  return services.batchRunner.requeueAll();
}
