/**
 * The job queue on Redis through BullMQ: one BullMQ `Queue` (producer) and, in processes that
 * work jobs, one `Worker` per queue name. Any number of API and worker processes share it.
 *
 * Connections (BullMQ production notes): one producer client with `enableOfflineQueue: false`
 * so enqueueing fails fast while Redis is down, and one worker client with
 * `maxRetriesPerRequest: null` (BullMQ duplicates it for each worker's blocking fetch). Both
 * are constructed `ioredis` clients, as BullMQ under native ESM needs, and closed by us after
 * the workers and queues that use them.
 *
 * Crashed workers: a running job holds a lock renewed every `lockDurationMs / 2`. When its
 * process dies (SIGKILL, OOM, power), the lock expires after `lockDurationMs` and the next
 * stalled-job check of any live worker (every `stalledIntervalMs`) puts the job back in the
 * wait list, so it is retried after at most about `lockDurationMs + 2 × stalledIntervalMs`
 * (defaults 30 s + 2 × 30 s). A stall does not use up an attempt. A job that stalls more than
 * `maxStalledCount` times (it keeps killing its workers) fails for good with an
 * `UnrecoverableError`, and `onFailed` hears of it. Every worker of a deployment must use the
 * same `stalledIntervalMs`: whichever checks first blocks the others' checks for its interval.
 */
import { Queue, UnrecoverableError, Worker, type Job, type KeepJobs } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { JobQueueClosedError } from './job-errors.js';
import type {
  CancelSelector,
  EnqueueOptions,
  JobContext,
  JobCounts,
  JobHandler,
  JobQueue,
  ProcessOptions,
} from './job-queue.js';
import {
  BULLMQ_PRIORITIES,
  QUEUES,
  QUEUE_NAMES,
  retryPolicyFor,
  type Payload,
  type QueueName,
  type RetryPolicy,
} from './queues.js';
import { prepareJobs, reportFailure, runJob, selectorMatcher, toError } from './run-job.js';

export interface BullmqJobQueueOptions {
  redisUrl: string;
  logger: Logger;
  /** Redis key prefix: separates deployments sharing a Redis, and test files. Default `lqa`. */
  prefix?: string;
  /** Overrides every queue's retry policy from `queues.ts`. */
  retry?: Partial<RetryPolicy>;
  /** How long an enqueue waits for a (re)connecting Redis before failing. Default 5000. */
  connectTimeoutMs?: number;
  /** How long `close()` waits for running jobs before aborting their signals. Default 10000. */
  closeTimeoutMs?: number;
  /** Lock of a running job; a dead worker's job is recoverable once it expires. Default 30000. */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose lock expired. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it fails for good. Default 2. */
  maxStalledCount?: number;
  /** Finished jobs kept for inspection (and ids re-enqueueable once removed). */
  keepCompleted?: KeepJobs;
  keepFailed?: KeepJobs;
}

const DAY_S = 86_400;
const neverAborted = new AbortController().signal;

export class BullmqJobQueue implements JobQueue {
  readonly kind = 'bullmq';
  readonly durable = true;
  private readonly options: Required<Omit<BullmqJobQueueOptions, 'retry'>> & {
    retry?: Partial<RetryPolicy>;
  };
  private readonly producer: Redis;
  private workerConnection?: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers = new Map<QueueName, Worker>();
  private closing = false;
  private readonly reconnectListeners: (() => Promise<unknown>)[] = [];
  /** Set when the producer connection drops; the next `ready` is a reconnection. */
  private lost = false;

  constructor(options: BullmqJobQueueOptions) {
    const o = options;
    this.options = {
      ...o,
      prefix: o.prefix ?? 'lqa',
      connectTimeoutMs: o.connectTimeoutMs ?? 5_000,
      closeTimeoutMs: o.closeTimeoutMs ?? 10_000,
      lockDurationMs: o.lockDurationMs ?? 30_000,
      stalledIntervalMs: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 2,
      keepCompleted: o.keepCompleted ?? { count: 1_000, age: DAY_S },
      keepFailed: o.keepFailed ?? { count: 5_000, age: 7 * DAY_S },
    };
    this.producer = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      connectionName: `${this.options.prefix}-jobs-producer`,
    });
    this.producer.on('error', (err) => this.log.warn({ err }, 'job queue redis error'));
    this.producer.on('close', () => {
      if (!this.closing) this.lost = true;
    });
    this.producer.on('ready', () => {
      if (!this.lost || this.closing) return;
      this.lost = false;
      this.log.info('job queue: Redis is back');
      for (const listener of this.reconnectListeners) {
        listener().catch((err: unknown) =>
          this.log.warn({ err }, 'job queue: work after Redis came back failed'),
        );
      }
    });
  }

  onReconnect(listener: () => Promise<unknown>): void {
    this.reconnectListeners.push(listener);
  }

  private get log(): Logger {
    return this.options.logger;
  }

  async enqueue<Q extends QueueName>(
    queue: Q,
    payload: Payload<Q>,
    opts?: EnqueueOptions,
  ): Promise<string> {
    const [jobId] = await this.enqueueMany(queue, [payload], opts);
    return jobId as string;
  }

  async enqueueMany<Q extends QueueName>(
    queue: Q,
    payloads: readonly Payload<Q>[],
    opts: EnqueueOptions = {},
  ): Promise<string[]> {
    if (this.closing) throw new JobQueueClosedError();
    const jobs = prepareJobs(queue, payloads);
    const q = await this.queueFor(queue);
    // A job id still held by a finished job would make BullMQ ignore the add: replace those,
    // keep the waiting/delayed/active ones (idempotent re-enqueue).
    const states = await Promise.all(jobs.map((job) => q.getJobState(job.jobId)));
    const finished = jobs.filter((_, i) => states[i] === 'completed' || states[i] === 'failed');
    const fresh = jobs.filter((_, i) => states[i] === 'unknown').concat(finished);
    await Promise.all(finished.map((job) => q.remove(job.jobId)));
    const priority = BULLMQ_PRIORITIES[opts.priority ?? 'normal'];
    const delay = opts.delayMs && opts.delayMs > 0 ? opts.delayMs : undefined;
    await q.addBulk(
      fresh.map(({ jobId, payload }) => ({
        name: queue,
        data: payload,
        opts: { jobId, priority, ...(delay ? { delay } : {}) },
      })),
    );
    return jobs.map((job) => job.jobId);
  }

  process<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, opts: ProcessOptions<Q>): void {
    if (this.closing) throw new JobQueueClosedError();
    if (this.workers.has(queue)) throw new Error(`Queue ${queue} already has a handler`);
    const policy = retryPolicyFor(queue, this.options.retry);
    // Errors our processor already reported to onFailed (so the 'failed' event skips them).
    const reported = new WeakSet<Error>();

    const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<void> => {
      const ctx = this.contextOf(queue, job, policy, signal);
      const outcome = await runJob(handler, opts, job.data, ctx, this.log);
      if (outcome.ok) return;
      if (!outcome.final) throw outcome.error;
      const error = new UnrecoverableError(outcome.error.message);
      error.cause = outcome.error;
      reported.add(error);
      throw error;
    };

    const worker = new Worker(queue, processor, {
      connection: this.workerClient(),
      prefix: this.options.prefix,
      concurrency: opts.concurrency,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      maxStalledCount: this.options.maxStalledCount,
    });
    worker.on('error', (err) => this.log.error({ err, queue }, 'job worker error'));
    // Failures BullMQ decides without running our processor (stalled too often) end here.
    worker.on('failed', (job, err) => {
      if (!job || reported.has(err) || err.name !== 'UnrecoverableError') return;
      const parsed = QUEUES[queue].schema.safeParse(job.data);
      if (!parsed.success) return;
      this.log.warn({ err, jobId: job.id, queue }, 'job failed: its workers kept dying');
      const ctx = this.contextOf(queue, job, policy, undefined);
      void reportFailure(opts, parsed.data as Payload<Q>, toError(err), ctx, this.log);
    });
    this.workers.set(queue, worker);
  }

  async pause(queue?: QueueName): Promise<void> {
    for (const name of queue ? [queue] : QUEUE_NAMES) await (await this.queueFor(name)).pause();
  }

  async resume(queue?: QueueName): Promise<void> {
    for (const name of queue ? [queue] : QUEUE_NAMES) await (await this.queueFor(name)).resume();
  }

  async cancel(queue: QueueName, selector: CancelSelector): Promise<number> {
    const matches = selectorMatcher(selector);
    const q = await this.queueFor(queue);
    const ids = await q.getRanges(['waiting', 'prioritized', 'delayed'], 0, -1);
    // remove() refuses (0) a job a worker locked meanwhile: running jobs are never cut short.
    const removed = await Promise.all(ids.filter(matches).map((id) => q.remove(id)));
    return removed.reduce((sum, n) => sum + n, 0);
  }

  async counts(queue: QueueName): Promise<JobCounts> {
    const q = await this.queueFor(queue);
    const c = await q.getJobCounts(
      'waiting',
      'prioritized',
      'active',
      'delayed',
      'completed',
      'failed',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  /** Deletes every key of every queue under this prefix (tests, admin reset). */
  async obliterate(): Promise<void> {
    for (const name of QUEUE_NAMES) await (await this.queueFor(name)).obliterate({ force: true });
  }

  /** In order: workers (running jobs finish or are aborted), queues, then our connections. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const workers = [...this.workers.values()];
    const closed = Promise.all(workers.map((w) => w.close())).then(() => true);
    if (!(await within(closed, this.options.closeTimeoutMs))) {
      this.log.warn(
        'jobs still running at close; aborting them (they will be retried after the stall timeout)',
      );
      for (const worker of workers) worker.cancelAllJobs('shutdown');
      if (!(await within(closed, 1_000))) this.log.warn('job workers did not stop; leaving them');
    }
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled(
      [this.producer, this.workerConnection].map((c) => c && c.quit().catch(() => c.disconnect())),
    );
  }

  private contextOf(
    queue: QueueName,
    job: Job,
    policy: RetryPolicy,
    signal: AbortSignal | undefined,
  ): JobContext {
    return {
      queue,
      jobId: job.id ?? '',
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? policy.attempts,
      signal: signal ?? neverAborted,
    };
  }

  private workerClient(): Redis {
    if (!this.workerConnection) {
      this.workerConnection = new Redis(this.options.redisUrl, {
        maxRetriesPerRequest: null,
        connectionName: `${this.options.prefix}-jobs-worker`,
      });
      this.workerConnection.on('error', (err) => this.log.warn({ err }, 'job worker redis error'));
    }
    return this.workerConnection;
  }

  /**
   * The producer Queue of `name`, created once the producer connection is ready: BullMQ
   * initialises a Queue with a command that an offline client would fail for good.
   */
  private async queueFor(name: QueueName): Promise<Queue> {
    await this.producerReady();
    let queue = this.queues.get(name);
    if (!queue) {
      const policy = retryPolicyFor(name, this.options.retry);
      queue = new Queue(name, {
        connection: this.producer,
        prefix: this.options.prefix,
        defaultJobOptions: {
          attempts: policy.attempts,
          backoff: { type: 'exponential', delay: policy.backoffMs },
          removeOnComplete: this.options.keepCompleted,
          removeOnFail: this.options.keepFailed,
        },
      });
      queue.on('error', (err) => this.log.warn({ err, queue: name }, 'job queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async producerReady(): Promise<void> {
    if (this.producer.status === 'ready') return;
    let onReady = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
      this.producer.once('ready', onReady);
    });
    if (!(await within(ready, this.options.connectTimeoutMs))) {
      this.producer.off('ready', onReady);
      throw new Error(`Redis is not reachable for the job queue (${this.producer.status})`);
    }
  }
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
