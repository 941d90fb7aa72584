import { Op, UniqueConstraintError } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRow, insertRows, updateRowById } from '../../src/db/raw-write.js';
import { queuedWrite, writeTransaction } from '../../src/db/write-transaction.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/** The raw hot-path writes store exactly what the models would, on every dialect. */
describe.each(testDatabaseKinds())('raw row writes ($name)', (kind) => {
  let ctx: TestContext;
  let experimentId: number;

  beforeAll(async () => {
    ctx = await createTestContext(kind);
    const user = await createUser(ctx);
    experimentId = (await createExperiment(ctx, user)).id;
  });
  afterAll(() => ctx?.close());

  it('when a row is inserted raw, then the model reads back the same JSON, dates (to the millisecond), booleans and numbers', async () => {
    const at = new Date('2026-03-04T05:06:07.891Z');
    const id = await insertRow(ctx.db, 'responses', {
      experiment_id: experimentId,
      content: 'It\'s "quoted"; -- not a comment',
      parameters: { temperature: 0.7, stop: ['\n'] },
      cost: 0.001234,
      cached: true,
      status: 'completed',
      created_at: at,
      updated_at: at,
    });
    expect(id).toBeGreaterThan(0);
    const row = (await ctx.db.models.Response.findByPk(id))!.get({ plain: true }) as any;
    expect(row.content).toBe('It\'s "quoted"; -- not a comment');
    expect(row.parameters).toEqual({ temperature: 0.7, stop: ['\n'] });
    expect(Number(row.cost)).toBeCloseTo(0.001234, 6);
    expect(Boolean(row.cached)).toBe(true);
    expect(new Date(row.created_at).toISOString()).toBe(at.toISOString());
  });

  it('when a row is updated raw by id, then only that row changes and a missing id says so', async () => {
    const first = await insertRow(ctx.db, 'responses', {
      experiment_id: experimentId,
      content: 'a',
      status: 'generating',
      created_at: new Date(),
      updated_at: new Date(),
    });
    const second = await insertRow(ctx.db, 'responses', {
      experiment_id: experimentId,
      content: 'b',
      status: 'generating',
      created_at: new Date(),
      updated_at: new Date(),
    });
    expect(
      await updateRowById(ctx.db, 'responses', first, { status: 'completed', metadata: { k: 1 } }),
    ).toBe(true);
    expect(await updateRowById(ctx.db, 'responses', 987_654, { status: 'completed' })).toBe(false);
    const rows = (await ctx.db.models.Response.findAll({
      where: { id: [first, second] },
      raw: true,
    })) as any[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first).status).toBe('completed');
    expect(byId.get(second).status).toBe('generating');
  });

  it('when a raw insert breaks a unique index, then it raises UniqueConstraintError like the models do', async () => {
    const cell = {
      experiment_id: experimentId,
      content: '',
      status: 'generating',
      combination_id: 1,
      iteration: 1,
      created_at: new Date(),
      updated_at: new Date(),
    };
    const batch = await ctx.db.models.BatchExperiment.create({
      user_id: (await ctx.db.models.Experiment.findByPk(experimentId))!.get('user_id'),
      experiment_id: experimentId,
      name: 'b',
      prompt: 'p',
      model: 'mock-balanced',
      parameter_ranges: {},
      total_combinations: 1,
      iterations_per_combination: 1,
    } as any);
    const withBatch = { ...cell, batch_experiment_id: batch.get('id') };
    await insertRow(ctx.db, 'responses', withBatch);
    await expect(insertRow(ctx.db, 'responses', withBatch)).rejects.toBeInstanceOf(
      UniqueConstraintError,
    );
  });

  it('when several rows are inserted in one statement, then each comes back with its id and reads like a model-written row', async () => {
    const at = new Date('2026-05-06T07:08:09.123Z');
    const rows = [1, 2, 3].map((i) => ({
      experiment_id: experimentId,
      content: `row ${i}: 'quoted' -- ;`,
      parameters: { temperature: i / 10 },
      iteration: 100 + i,
      cached: i === 2,
      status: 'completed',
      created_at: at,
      updated_at: at,
    }));
    const inserted = await insertRows<{ id: number; iteration: number }>(
      ctx.db,
      'responses',
      rows,
      ['id', 'iteration'],
    );
    expect(inserted.map((r) => r.iteration).sort()).toEqual([101, 102, 103]);
    for (const { id, iteration } of inserted) {
      const row = (await ctx.db.models.Response.findByPk(id))!.get({ plain: true }) as any;
      expect(row.iteration).toBe(iteration);
      expect(row.content).toBe(`row ${iteration - 100}: 'quoted' -- ;`);
      expect(row.parameters).toEqual({ temperature: (iteration - 100) / 10 });
      expect(Boolean(row.cached)).toBe(iteration === 102);
      expect(new Date(row.created_at).toISOString()).toBe(at.toISOString());
    }
    expect(await insertRows(ctx.db, 'responses', [], ['id'])).toEqual([]);
  });

  it('when one row of a multi-row insert breaks a unique index, then the statement raises UniqueConstraintError and writes none of them', async () => {
    const userId = (await ctx.db.models.Experiment.findByPk(experimentId))!.get('user_id');
    const batch = await ctx.db.models.BatchExperiment.create({
      user_id: userId,
      experiment_id: experimentId,
      name: 'multi',
      prompt: 'p',
      model: 'mock-balanced',
      parameter_ranges: {},
      total_combinations: 3,
      iterations_per_combination: 1,
    } as any);
    const cell = (combination_id: number) => ({
      experiment_id: experimentId,
      batch_experiment_id: batch.get('id'),
      combination_id,
      iteration: 1,
      content: '',
      status: 'completed',
      created_at: new Date(),
      updated_at: new Date(),
    });
    await insertRow(ctx.db, 'responses', cell(2));
    await expect(
      insertRows(ctx.db, 'responses', [cell(1), cell(2), cell(3)], ['id']),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
    expect(
      await ctx.db.models.Response.count({ where: { batch_experiment_id: batch.get('id') } }),
    ).toBe(1);
  });

  const newResponse = () =>
    insertRow(ctx.db, 'responses', {
      experiment_id: experimentId,
      content: 'start',
      status: 'generating',
      created_at: new Date(),
      updated_at: new Date(),
    });

  it('when raw writes and write transactions are made at the same time, then every one applies (on SQLite in the order they were made)', async () => {
    const id = await newResponse();
    const writes = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 2
        ? writeTransaction(ctx.db, async (transaction) => {
            await insertRows(
              ctx.db,
              'responses',
              [
                {
                  experiment_id: experimentId,
                  content: `transaction ${i}`,
                  status: 'completed',
                  created_at: new Date(),
                  updated_at: new Date(),
                },
              ],
              ['id'],
              transaction,
            );
            await ctx.db.sequelize.query('UPDATE responses SET content = :content WHERE id = :id', {
              replacements: { content: `write ${i}`, id },
              transaction,
            });
          })
        : updateRowById(ctx.db, 'responses', id, { content: `write ${i}` }),
    );
    await Promise.all(writes);
    const inserted = await ctx.db.models.Response.count({
      where: { experiment_id: experimentId, content: { [Op.like]: 'transaction %' } },
    });
    expect(inserted).toBe(8);
    const content = (await ctx.db.models.Response.findByPk(id))!.get('content');
    if (kind.name === 'sqlite') expect(content).toBe('write 23');
    else expect(content).toMatch(/^write \d+$/);
  });

  it('when a queued write makes a raw write itself, then that write runs at once instead of waiting behind its caller', async () => {
    const id = await newResponse();
    const changed = await queuedWrite(ctx.db, async () => {
      await updateRowById(ctx.db, 'responses', id, { content: 'outer' });
      return updateRowById(ctx.db, 'responses', id, { content: 'inner' });
    });
    expect(changed).toBe(true);
    expect((await ctx.db.models.Response.findByPk(id))!.get('content')).toBe('inner');
  });

  it('when a queued write fails, then the writes queued after it still run', async () => {
    const id = await newResponse();
    const failing = queuedWrite(ctx.db, () => Promise.reject(new Error('boom')));
    const after = updateRowById(ctx.db, 'responses', id, { content: 'after a failure' });
    await expect(failing).rejects.toThrow('boom');
    expect(await after).toBe(true);
    expect((await ctx.db.models.Response.findByPk(id))!.get('content')).toBe('after a failure');
  });
});
