import { describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createJobQueue } from '../../src/jobs/create-job-queue.js';
import { silentLogger } from '../helpers/jobs-helpers.js';

// Nothing listens on port 1: these need no Redis at all.
const deadRedis = 'redis://127.0.0.1:1';

describe('BullMQ job queue without a reachable Redis', () => {
  it('when REDIS_URL is set, then createJobQueue gives the BullMQ queue', async () => {
    const jobs = createJobQueue({ redisUrl: deadRedis, logger: silentLogger });
    expect(jobs).toBeInstanceOf(BullmqJobQueue);
    expect(jobs).toMatchObject({ kind: 'bullmq', durable: true });
    await jobs.close();
  });

  it('when Redis is down, then enqueue fails fast instead of hanging', async () => {
    const jobs = createJobQueue({
      redisUrl: deadRedis,
      logger: silentLogger,
      bullmq: { connectTimeoutMs: 300 },
    });
    const t0 = Date.now();
    await expect(
      jobs.enqueue('generate-cell', { batchId: 1, combinationId: 1, iteration: 1 }),
    ).rejects.toThrow(/Redis is not reachable/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    await jobs.close();
  });
});
