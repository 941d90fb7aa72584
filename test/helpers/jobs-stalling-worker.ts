/**
 * A BullMQ worker process that takes one `generate-cell` job, records that it started, and
 * then hangs inside the handler until it is killed. The stall test SIGKILLs it mid-job.
 *
 * Usage: JOBS_REDIS_URL=… JOBS_PREFIX=… node --import tsx test/helpers/jobs-stalling-worker.ts
 */
import { Redis } from 'ioredis';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createLogger } from '../../src/lib/logger.js';

const redisUrl = process.env.JOBS_REDIS_URL!;
const prefix = process.env.JOBS_PREFIX!;
const lockDurationMs = Number(process.env.JOBS_LOCK_MS ?? 1_500);
const stalledIntervalMs = Number(process.env.JOBS_STALLED_INTERVAL_MS ?? 300);
const maxStalledCount = Number(process.env.JOBS_MAX_STALLED_COUNT ?? 2);

const recorder = new Redis(redisUrl);
const jobs = new BullmqJobQueue({
  redisUrl,
  prefix,
  logger: createLogger('silent'),
  lockDurationMs,
  // Like every worker of a deployment, the same interval as the others: its own stalled check
  // at start-up blocks everyone's checks for that long.
  stalledIntervalMs,
  maxStalledCount,
});
jobs.process(
  'generate-cell',
  async (_payload, ctx) => {
    await recorder.rpush(`${prefix}:test:started`, ctx.jobId);
    process.stdout.write(`started ${ctx.jobId}\n`);
    await new Promise(() => {}); // never settles: the lock keeps being renewed until SIGKILL
  },
  { concurrency: 1 },
);
process.stdout.write('ready\n');
