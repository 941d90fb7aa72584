import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { createBatch, rowCounts, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { silentLogger, testRedisUrl, uniquePrefix } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

// One (skipped) entry without Redis: an empty table would make the file fail with no tests.
const kinds = testRedisUrl ? testDatabaseKinds() : testDatabaseKinds().slice(0, 1);

describe.skipIf(!testRedisUrl).each(kinds)('batch sweep on BullMQ (Redis) with $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  const prefix = uniquePrefix('batch');

  beforeAll(async () => {
    ctx = await createTestContext(
      kind,
      { REDIS_URL: testRedisUrl!, QUEUE_PREFIX: prefix },
      { workers: true },
    );
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
    const cleaner = new BullmqJobQueue({ redisUrl: testRedisUrl!, prefix, logger: silentLogger });
    await cleaner.obliterate();
    await cleaner.close();
  });

  it('when a sweep is created with REDIS_URL set, then BullMQ works it to completion with exact counts', async () => {
    expect(ctx.services.jobs.kind).toBe('bullmq');
    const created = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.2, 0.8, 1.4] }, top_p: { values: [0.6, 1] } },
      iterations_per_combination: 2,
      priority: 'low',
    });
    const done = await waitForBatch(ctx, user, created.id);
    expect(done).toMatchObject({
      status: 'completed',
      completed_cells: 12,
      failed_cells: 0,
      completed_combinations: 6,
    });
    const rows = await rowCounts(ctx, created.id);
    expect(rows).toMatchObject({ total: 12, completed: 12 });
    // Re-queueing finished work (as a restarted process does) creates no duplicates.
    await ctx.services.batchRunner.enqueueUnfinished(
      (await ctx.services.batches.find(
        { userId: user.id, role: 'user', via: 'token' },
        created.id,
      ))!,
    );
    expect((await rowCounts(ctx, created.id)).total).toBe(12);
  });
});
