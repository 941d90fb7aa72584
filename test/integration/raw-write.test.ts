import { UniqueConstraintError } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRow, updateRowById } from '../../src/db/raw-write.js';
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
});
