/**
 * The embedded job runner: jobs live in this process's memory and run here, through one
 * `p-queue` per queue name (bounded concurrency, priorities, pause). It does NOT survive a
 * restart: whatever was waiting, delayed or running is gone when the process exits, so the
 * features that queue work re-queue their unfinished rows from the database on start-up (the
 * deterministic job ids make that safe to repeat).
 */
import PQueue from 'p-queue';
import type { Logger } from '../lib/logger.js';
import { JobQueueClosedError } from './job-errors.js';
import type {
  CancelSelector,
  EnqueueOptions,
  JobCounts,
  JobHandler,
  JobQueue,
  ProcessOptions,
} from './job-queue.js';
import {
  BULLMQ_PRIORITIES,
  QUEUE_NAMES,
  backoffDelayMs,
  retryPolicyFor,
  type Payload,
  type QueueName,
  type RetryPolicy,
} from './queues.js';
import { prepareJobs, runJob, selectorMatcher } from './run-job.js';

export interface InProcessJobQueueOptions {
  logger: Logger;
  /** Overrides every queue's retry policy from `queues.ts` (tests shorten the backoff). */
  retry?: Partial<RetryPolicy>;
  /** How long `close()` waits for running jobs before aborting their signals. Default 10000. */
  closeTimeoutMs?: number;
}

interface Entry {
  id: string;
  payload: unknown;
  /** p-queue priority: greater runs first, so the negated BullMQ number. */
  priority: number;
  state: 'waiting' | 'delayed' | 'active';
  /** Runs started so far. */
  runs: number;
  /** Aborting it takes the job out of the p-queue while it waits. */
  dequeue?: AbortController;
  timer?: NodeJS.Timeout;
}

interface Lane {
  name: QueueName;
  pq: PQueue;
  policy: RetryPolicy;
  /** Jobs waiting, delayed or running, by id: the de-duplication window. */
  entries: Map<string, Entry>;
  worker?: { handler: JobHandler<QueueName>; opts: ProcessOptions<QueueName> };
  paused: boolean;
  running: Set<AbortController>;
  completed: number;
  failed: number;
}

export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process';
  readonly durable = false;
  private readonly lanes: Map<QueueName, Lane>;
  private readonly logger: Logger;
  private readonly closeTimeoutMs: number;
  private closing = false;

  constructor(options: InProcessJobQueueOptions) {
    this.logger = options.logger;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.lanes = new Map(
      QUEUE_NAMES.map((name) => [
        name,
        {
          name,
          // Started by process(): jobs queued before a handler exists wait, as in BullMQ.
          pq: new PQueue({ concurrency: 1, autoStart: false }),
          policy: retryPolicyFor(name, options.retry),
          entries: new Map(),
          paused: false,
          running: new Set(),
          completed: 0,
          failed: 0,
        },
      ]),
    );
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
    const lane = this.lane(queue);
    const priority = -BULLMQ_PRIORITIES[opts.priority ?? 'normal'];
    for (const { jobId, payload } of jobs) {
      if (lane.entries.has(jobId)) continue; // already waiting, delayed or running
      const entry: Entry = { id: jobId, payload, priority, state: 'waiting', runs: 0 };
      lane.entries.set(jobId, entry);
      if (opts.delayMs && opts.delayMs > 0) this.delay(lane, entry, opts.delayMs);
      else this.push(lane, entry);
    }
    return jobs.map((job) => job.jobId);
  }

  process<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, opts: ProcessOptions<Q>): void {
    if (this.closing) throw new JobQueueClosedError();
    const lane = this.lane(queue);
    if (lane.worker) throw new Error(`Queue ${queue} already has a handler`);
    lane.worker = {
      handler: handler as unknown as JobHandler<QueueName>,
      opts: opts as unknown as ProcessOptions<QueueName>,
    };
    lane.pq.concurrency = opts.concurrency;
    if (!lane.paused) lane.pq.start();
  }

  async pause(queue?: QueueName): Promise<void> {
    for (const lane of this.selectLanes(queue)) {
      lane.paused = true;
      lane.pq.pause();
    }
  }

  async resume(queue?: QueueName): Promise<void> {
    for (const lane of this.selectLanes(queue)) {
      lane.paused = false;
      if (lane.worker && !this.closing) lane.pq.start();
    }
  }

  async cancel(queue: QueueName, selector: CancelSelector): Promise<number> {
    const lane = this.lane(queue);
    const matches = selectorMatcher(selector);
    let removed = 0;
    for (const entry of [...lane.entries.values()]) {
      if (entry.state === 'active' || !matches(entry.id)) continue;
      this.drop(lane, entry);
      removed += 1;
    }
    return removed;
  }

  async counts(queue: QueueName): Promise<JobCounts> {
    const lane = this.lane(queue);
    const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const entry of lane.entries.values()) counts[entry.state] += 1;
    counts.completed = lane.completed;
    counts.failed = lane.failed;
    return counts;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const lane of this.lanes.values()) {
      lane.pq.pause();
      for (const entry of [...lane.entries.values()]) {
        if (entry.state !== 'active') this.drop(lane, entry);
      }
    }
    const lanes = [...this.lanes.values()];
    const settled = Promise.all(lanes.map((lane) => lane.pq.onPendingZero())).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.closeTimeoutMs);
    });
    const finished = await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    if (!finished) {
      const active = lanes.reduce((n, lane) => n + lane.running.size, 0);
      this.logger.warn({ active }, 'jobs still running at close; aborting them');
      for (const lane of lanes) for (const controller of lane.running) controller.abort();
    }
  }

  private lane(queue: QueueName): Lane {
    const lane = this.lanes.get(queue);
    if (!lane) throw new Error(`Unknown queue ${String(queue)}`);
    return lane;
  }

  private selectLanes(queue?: QueueName): Lane[] {
    return queue ? [this.lane(queue)] : [...this.lanes.values()];
  }

  private push(lane: Lane, entry: Entry): void {
    entry.state = 'waiting';
    entry.timer = undefined;
    const dequeue = new AbortController();
    entry.dequeue = dequeue;
    lane.pq
      .add(() => this.execute(lane, entry), { priority: entry.priority, signal: dequeue.signal })
      .catch((err: unknown) => {
        // Cancelled while waiting: p-queue rejects with the abort reason. execute() never throws.
        if (!dequeue.signal.aborted) this.logger.error({ err, jobId: entry.id }, 'job runner');
      });
  }

  private delay(lane: Lane, entry: Entry, ms: number): void {
    entry.state = 'delayed';
    entry.dequeue = undefined;
    entry.timer = setTimeout(() => this.push(lane, entry), ms);
  }

  /** Forgets a waiting or delayed job. */
  private drop(lane: Lane, entry: Entry): void {
    clearTimeout(entry.timer);
    entry.dequeue?.abort();
    lane.entries.delete(entry.id);
  }

  private async execute(lane: Lane, entry: Entry): Promise<void> {
    const worker = lane.worker;
    if (!worker) throw new Error(`No handler for queue ${lane.name}`); // p-queue starts only after process()
    entry.state = 'active';
    entry.dequeue = undefined;
    entry.runs += 1;
    const controller = new AbortController();
    lane.running.add(controller);
    const ctx = {
      queue: lane.name,
      jobId: entry.id,
      attempt: entry.runs,
      maxAttempts: lane.policy.attempts,
      signal: controller.signal,
    };
    const outcome = await runJob(worker.handler, worker.opts, entry.payload, ctx, this.logger);
    lane.running.delete(controller);
    if (outcome.ok) {
      lane.entries.delete(entry.id);
      lane.completed += 1;
    } else if (outcome.final) {
      lane.entries.delete(entry.id);
      lane.failed += 1;
    } else if (this.closing) {
      lane.entries.delete(entry.id); // not retried after close: the database re-queues it
    } else {
      this.delay(lane, entry, backoffDelayMs(lane.policy, entry.runs));
    }
  }
}
