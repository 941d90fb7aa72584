/**
 * The one queue interface of the application. Two implementations sit behind it:
 * {@link InProcessJobQueue} (embedded default, nothing survives a restart) and
 * {@link BullmqJobQueue} (Redis, shared by any number of API and worker processes).
 * `createJobQueue()` picks one from the configuration.
 *
 * Delivery is at least once in both: a job can run again after a crash, a stall or a retry,
 * so handlers must be idempotent against the database (which is the source of truth: a cell
 * whose response row exists is done). The deterministic job ids of `queues.ts` make
 * re-enqueueing the same unit of work a no-op while it is waiting, delayed or running.
 */
import type { JobPriority, Payload, QueueName } from './queues.js';

export interface EnqueueOptions {
  /** Queue priority: every `high` job waiting runs before any `normal`, then `low`. Default `normal`. */
  priority?: JobPriority;
  /** Milliseconds before the job becomes runnable. Default 0. */
  delayMs?: number;
}

/** What a handler knows about the run it is in. */
export interface JobContext {
  queue: QueueName;
  /** The deterministic id from `jobIdFor`. */
  jobId: string;
  /** 1-based run number; a job re-run after its worker died keeps its number (BullMQ counts failures, not stalls). */
  attempt: number;
  /** Runs allowed in all; `attempt === maxAttempts` is the last chance. */
  maxAttempts: number;
  /** Aborted when the process shuts down and its grace period for active jobs has run out. */
  signal: AbortSignal;
}

export type JobHandler<Q extends QueueName> = (
  payload: Payload<Q>,
  ctx: JobContext,
) => Promise<void>;

export interface ProcessOptions<Q extends QueueName> {
  /** Jobs of this queue run at once by this process (BullMQ: per worker process). */
  concurrency: number;
  /**
   * Called once when a job has failed for good: attempts exhausted, an `UnrecoverableJobError`,
   * or (BullMQ) stalled more than `maxStalledCount` times because its workers kept dying. The
   * place to store the failure reason on the domain row. For handler failures it runs inside
   * the job, before the job is marked failed (a crash during it re-runs the job); its own
   * errors are logged, not retried. A payload that no longer parses is logged instead.
   */
  onFailed?: (payload: Payload<Q>, error: Error, ctx: JobContext) => Promise<void> | void;
}

/** Which waiting jobs `cancel` removes: by exact ids, or every id starting with `idPrefix` (see `jobIdPrefix`). */
export type CancelSelector = { idPrefix: string } | { jobIds: readonly string[] };

export interface JobCounts {
  /** Runnable, not started (priority order); includes jobs held back by a paused queue. */
  waiting: number;
  active: number;
  /** Waiting for `delayMs` or for a retry's backoff. */
  delayed: number;
  /** Finished: in-process since start-up; BullMQ as many as `removeOnComplete` keeps. */
  completed: number;
  /** Failed for good: in-process since start-up; BullMQ as many as `removeOnFail` keeps. */
  failed: number;
}

export interface JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** Whether queued jobs survive a restart of this process (BullMQ yes, in-process no). */
  readonly durable: boolean;

  /**
   * Validates `payload` with the queue's schema (throws `InvalidJobPayloadError`) and queues
   * it under `jobIdFor(queue, payload)`, which it returns. A job with that id already waiting,
   * delayed or running is left as it is (idempotent); one that has finished (completed or
   * failed) is replaced, so re-queueing failed work runs it again.
   */
  enqueue<Q extends QueueName>(
    queue: Q,
    payload: Payload<Q>,
    opts?: EnqueueOptions,
  ): Promise<string>;

  /** `enqueue` for many payloads of one queue, validated all before any is queued. */
  enqueueMany<Q extends QueueName>(
    queue: Q,
    payloads: readonly Payload<Q>[],
    opts?: EnqueueOptions,
  ): Promise<string[]>;

  /**
   * Starts working `queue` in this process: each job's payload is parsed with the queue's
   * schema (a payload that does not parse fails unrecoverably), then `handler` runs. A handler
   * that throws is retried with exponential backoff per the queue's retry policy, except for
   * `UnrecoverableJobError`. One handler per queue per JobQueue.
   */
  process<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, opts: ProcessOptions<Q>): void;

  /**
   * Stops starting jobs of `queue` (all queues when omitted); running ones finish. BullMQ:
   * for every worker process, since the flag lives in Redis.
   */
  pause(queue?: QueueName): Promise<void>;
  resume(queue?: QueueName): Promise<void>;

  /**
   * Removes waiting and delayed jobs (retry backoffs included) matching `selector` and returns
   * how many. Running jobs are not interrupted: handlers should check their domain state
   * (e.g. batch paused or stopped) before doing work.
   */
  cancel(queue: QueueName, selector: CancelSelector): Promise<number>;

  counts(queue: QueueName): Promise<JobCounts>;

  /**
   * Calls `listener` each time the queue's store comes back after being lost (BullMQ: Redis
   * reconnected). A Redis restarted without persistence has lost every queued job, so
   * workers re-queue their unfinished work from the database then. Absent: never lost.
   */
  onReconnect?(listener: () => Promise<unknown>): void;

  /**
   * Graceful shutdown: stop taking jobs, wait for active ones up to the close timeout, then
   * abort their signals and release connections. A job cut short this way runs again later
   * (BullMQ, after the stall timeout) or is re-queued from the database (in-process).
   */
  close(): Promise<void>;
}
