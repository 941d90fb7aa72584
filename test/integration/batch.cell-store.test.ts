import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchExperimentsRepository } from '../../src/modules/batch-experiments/batch-experiments.repository.js';
import { CellStore } from '../../src/modules/batch-experiments/cell-store.js';
import { MetricsRepository } from '../../src/modules/metrics/metrics.repository.js';
import { HeuristicEngine } from '../../src/quality/heuristic-engine.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const engine = new HeuristicEngine();
const report = (content: string) => engine.scoreSync({ content, prompt: 'Explain tides' });

/** The group-committed cell writes: grouped, exactly once, response and scores together. */
describe.each(testDatabaseKinds())('cell store ($name)', (kind) => {
  let ctx: TestContext;
  let store: CellStore;
  let experimentId: number;
  let userId: number;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    const user = await createUser(ctx);
    userId = user.id;
    experimentId = (await createExperiment(ctx, user)).id;
    store = new CellStore(
      ctx.db,
      new BatchExperimentsRepository(ctx.db),
      new MetricsRepository(ctx.db),
    );
  });
  afterAll(() => ctx?.close());

  async function newBatch(): Promise<number> {
    const batch = await ctx.db.models.BatchExperiment.create({
      user_id: userId,
      experiment_id: experimentId,
      name: 'cells',
      prompt: 'Explain tides',
      model: 'mock-balanced',
      parameter_ranges: {},
      total_combinations: 10,
      iterations_per_combination: 2,
    } as any);
    return batch.get('id') as number;
  }

  const outcome = (
    batchId: number,
    combination: number,
    iteration: number,
    status = 'completed',
  ) => ({
    batch_experiment_id: batchId,
    experiment_id: experimentId,
    combination_id: combination,
    iteration,
    status: status as 'completed' | 'failed',
    content: status === 'completed' ? `Tides follow the moon (${combination}.${iteration}).` : '',
    model: 'mock-balanced',
    parameters: { temperature: combination / 10 },
    ...(status === 'failed' ? { error_message: 'provider down' } : { cost: 0.001 }),
  });

  it('when many cells finish at once, then each gets its own response row with its scores stored beside it', async () => {
    const batchId = await newBatch();
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const o = outcome(batchId, (i % 6) + 1, Math.floor(i / 6) + 1);
        return store.store(o, report(o.content));
      }),
    );
    expect(new Set(ids).size).toBe(12);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    const rows = (await ctx.db.models.Response.findAll({
      where: { batch_experiment_id: batchId },
      raw: true,
    })) as any[];
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      expect(row.content).toBe(`Tides follow the moon (${row.combination_id}.${row.iteration}).`);
      const metrics = await ctx.db.models.QualityMetric.findOne({ where: { response_id: row.id } });
      expect(Number(metrics!.get('overall_quality'))).toBeGreaterThan(0);
    }
  });

  it('when failed and completed cells finish together, then both are stored, and only the completed one has scores', async () => {
    const batchId = await newBatch();
    const ok = outcome(batchId, 1, 1);
    const [okId, failedId] = await Promise.all([
      store.store(ok, report(ok.content)),
      store.store(outcome(batchId, 2, 1, 'failed')),
    ]);
    const failed = (await ctx.db.models.Response.findByPk(failedId!))!.get({ plain: true }) as any;
    expect(failed.status).toBe('failed');
    expect(failed.error_message).toBe('provider down');
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: failedId! } })).toBe(0);
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: okId! } })).toBe(1);
  });

  it('when a cell is stored again in a group with new cells, then the completed one stays one row, the new ones are written, and a failed one is replaced', async () => {
    const batchId = await newBatch();
    const done = outcome(batchId, 1, 1);
    const doneId = await store.store(done, report(done.content));
    const failedId = await store.store(outcome(batchId, 2, 1, 'failed'));
    const retried = outcome(batchId, 2, 1);
    const fresh = outcome(batchId, 3, 1);
    const [again, replaced, freshId] = await Promise.all([
      store.store(done, report(done.content)),
      store.store(retried, report(retried.content)),
      store.store(fresh, report(fresh.content)),
    ]);
    expect(again).toBeUndefined();
    expect(replaced).toBe(failedId);
    expect(freshId).toEqual(expect.any(Number));
    const rows = (await ctx.db.models.Response.findAll({
      where: { batch_experiment_id: batchId },
      raw: true,
    })) as any[];
    expect(rows.map((r) => [r.combination_id, r.status]).sort()).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [3, 'completed'],
    ]);
    expect(rows.find((r) => r.combination_id === 1).id).toBe(doneId);
    expect(await ctx.db.models.QualityMetric.count({ where: { response_id: failedId! } })).toBe(1);
  });

  it('when counts are asked for several combinations at once, then each answer has the batch total and its own combination with its failures', async () => {
    const batchId = await newBatch();
    await Promise.all([
      store.store(outcome(batchId, 1, 1)),
      store.store(outcome(batchId, 1, 2, 'failed')),
      store.store(outcome(batchId, 2, 1)),
    ]);
    const [one, two, three] = await Promise.all([
      store.finishedCounts(batchId, 1),
      store.finishedCounts(batchId, 2),
      store.finishedCounts(batchId, 3),
    ]);
    expect(one).toEqual({ batch: 3, combination: 2, combinationFailed: 1 });
    expect(two).toEqual({ batch: 3, combination: 1, combinationFailed: 0 });
    expect(three).toEqual({ batch: 3, combination: 0, combinationFailed: 0 });
  });
});
