import type { Logger } from '../lib/logger.js';
import { BullmqJobQueue, type BullmqJobQueueOptions } from './bullmq-queue.js';
import { InProcessJobQueue } from './in-process-queue.js';
import type { JobQueue } from './job-queue.js';
import type { RetryPolicy } from './queues.js';

export interface CreateJobQueueOptions {
  /** BullMQ on this Redis when set (`config` REDIS_URL); the in-process runner otherwise. */
  redisUrl?: string;
  /** BullMQ key prefix. Default `lqa`. */
  prefix?: string;
  logger: Logger;
  /** Overrides every queue's retry policy from `queues.ts`. */
  retry?: Partial<RetryPolicy>;
  /** How long `close()` waits for running jobs before aborting them. Default 10000. */
  closeTimeoutMs?: number;
  /** BullMQ-only tuning: stall detection, retention, connect timeout. */
  bullmq?: Omit<
    BullmqJobQueueOptions,
    'redisUrl' | 'logger' | 'prefix' | 'retry' | 'closeTimeoutMs'
  >;
}

/** The application's job queue: BullMQ when Redis is configured, in-process otherwise. */
export function createJobQueue(options: CreateJobQueueOptions): JobQueue {
  const { redisUrl, prefix, logger, retry, closeTimeoutMs, bullmq } = options;
  if (redisUrl) {
    return new BullmqJobQueue({ ...bullmq, redisUrl, prefix, logger, retry, closeTimeoutMs });
  }
  return new InProcessJobQueue({ logger, retry, closeTimeoutMs });
}
