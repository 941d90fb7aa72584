import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const PROMPTS = [
  'Write a haiku about autumn leaves',
  'Explain how a hash map handles collisions',
  'Argue for and against a four-day work week',
];

/** Several prompts in one sweep: what a dataset run creates. */
describe.each(testDatabaseKinds())('multi-prompt batch experiments on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext(kind, {}, { workers: true });
    user = await createUser(ctx);
  });
  afterAll(() => ctx?.close());

  it('when three prompts sweep two temperatures twice, then every prompt × setting × iteration is one cell that answered its own prompt', async () => {
    const created = await createBatch(ctx, user, {
      prompt: PROMPTS[0],
      prompts: PROMPTS,
      parameter_ranges: { temperature: { values: [0.2, 0.9] } },
      iterations_per_combination: 2,
    });
    expect(created).toMatchObject({ total_combinations: 6, total_cells: 12, prompts: PROMPTS });
    // The prompt varies slowest: combinations 1–2 are prompt 0, 3–4 prompt 1, 5–6 prompt 2.
    expect(created.parameter_combinations).toEqual([
      { combination_id: 1, prompt_index: 0, temperature: 0.2 },
      { combination_id: 2, prompt_index: 0, temperature: 0.9 },
      { combination_id: 3, prompt_index: 1, temperature: 0.2 },
      { combination_id: 4, prompt_index: 1, temperature: 0.9 },
      { combination_id: 5, prompt_index: 2, temperature: 0.2 },
      { combination_id: 6, prompt_index: 2, temperature: 0.9 },
    ]);

    const done = await waitForBatch(ctx, user, created.id);
    expect(done).toMatchObject({ status: 'completed', completed_cells: 12, failed_cells: 0 });

    const rows = (await ctx.db.models.Response.findAll({
      where: { batch_experiment_id: created.id },
      raw: true,
    })) as any[];
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      const metadata = typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata;
      const parameters =
        typeof row.parameters === 'string' ? JSON.parse(row.parameters) : row.parameters;
      const promptIndex = Math.floor((row.combination_id - 1) / 2);
      expect(metadata).toMatchObject({ prompt_index: promptIndex, prompt: PROMPTS[promptIndex] });
      // The prompt index is the cell's coordinates, not a sampling parameter.
      expect(parameters).not.toHaveProperty('prompt_index');
      expect(parameters.temperature).toBe(row.combination_id % 2 === 1 ? 0.2 : 0.9);
    }

    const results = await request(ctx.app)
      .get(`/api/batch-experiments/${created.id}/results?prompt_index=1`)
      .set(user.headers)
      .expect(200);
    expect(results.body.data.results.map((r: any) => [r.combination_id, r.prompt_index])).toEqual([
      [3, 1],
      [4, 1],
    ]);
    expect(results.body.data.results[0].responses).toHaveLength(2);
    expect(results.body.data.pagination.total_items).toBe(2);
  });

  it('when prompts × combinations × iterations exceed the cell limit, then 400 counts the prompts in', async () => {
    const res = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({
        name: 'Too big',
        prompt: PROMPTS[0],
        prompts: Array.from({ length: 60 }, (_, i) => `Prompt number ${i}`),
        model: 'mock-balanced',
        parameter_ranges: { temperature: { min: 0, max: 1.9, step: 0.1 } },
        iterations_per_combination: 1,
      })
      .expect(400);
    expect(res.body.error.message).toMatch(/1200 combinations \(60 prompts/);
  });

  it('when prompts is empty or holds a blank prompt, then 400 names the field', async () => {
    for (const prompts of [[], ['']]) {
      const res = await request(ctx.app)
        .post('/api/batch-experiments')
        .set(user.headers)
        .send({
          name: 'Bad',
          prompt: PROMPTS[0],
          prompts,
          model: 'mock-balanced',
          parameter_ranges: { temperature: { values: [0.5] } },
        })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(res.body.error.details)).toContain('prompts');
    }
  });
});
