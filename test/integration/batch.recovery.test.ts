import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobHandlers, requeueUnfinishedBatches } from '../../src/jobs/handlers.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildServices, type Services } from '../../src/services.js';
import { createBatch, rowCounts } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { waitFor } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('in-process queue restart recovery on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let restarted: Services | undefined;

  beforeAll(async () => {
    // No workers: the queued cells stay in this process's memory, as if it died before them.
    ctx = await createTestContext(kind);
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await restarted?.close();
    await ctx?.close();
  });

  it('when a process restarts with unfinished batches, then it re-queues their cells from the database and finishes them once', async () => {
    const created = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.3, 0.7] } },
      iterations_per_combination: 2,
    });
    expect((await rowCounts(ctx, created.id)).total).toBe(0);

    restarted = buildServices({ config: ctx.config, db: ctx.db, logger: createLogger('silent') });
    registerJobHandlers(restarted.jobs, restarted, { concurrency: 4 });
    expect(await requeueUnfinishedBatches(restarted)).toBe(4);
    await waitFor(
      async () =>
        (await ctx.db.models.BatchExperiment.findByPk(created.id))!.get('status') === 'completed',
      { timeoutMs: 15_000, what: 'batch completed' },
    );
    expect(await rowCounts(ctx, created.id)).toMatchObject({ total: 4, completed: 4 });
    expect(await requeueUnfinishedBatches(restarted)).toBe(0);
  });

  it('when every cell has its row but the batch was left running (the process died before finalizing), then the restart finishes it', async () => {
    const created = await createBatch(ctx, user, {
      parameter_ranges: { temperature: { values: [0.3, 0.7] } },
      iterations_per_combination: 1,
    });
    // The state a crash between the last cell's write and the finalize leaves behind.
    const batch = (await ctx.db.models.BatchExperiment.findByPk(created.id))!;
    await batch.update({ status: 'running' });
    for (const combination of [1, 2]) {
      await ctx.db.models.Response.create({
        experiment_id: batch.get('experiment_id'),
        batch_experiment_id: created.id,
        combination_id: combination,
        iteration: 1,
        content: 'Done before the crash.',
        status: 'completed',
        parameters: { temperature: combination === 1 ? 0.3 : 0.7 },
      });
    }
    const again = buildServices({ config: ctx.config, db: ctx.db, logger: createLogger('silent') });
    try {
      expect(await requeueUnfinishedBatches(again)).toBe(0);
      const row = (await ctx.db.models.BatchExperiment.findByPk(created.id))!;
      expect(row.get('status')).toBe('completed');
      expect(row.get('completed_combinations')).toBe(2);
      expect(await rowCounts(ctx, created.id)).toMatchObject({ total: 2, completed: 2 });
    } finally {
      await again.close();
    }
  });
});
