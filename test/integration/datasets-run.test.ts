import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllableProvider, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createDataset, createUser, type TestUser } from '../helpers/factories.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('running a dataset on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let stranger: TestUser;
  /** The mock provider, recording every prompt it is sent. */
  const provider = new ControllableProvider();
  const sentPrompts: string[] = [];
  provider.failWhen = (req) => {
    sentPrompts.push(req.prompt);
    return false;
  };

  beforeAll(async () => {
    ctx = await createTestContext(
      kind,
      { BATCH_MAX_CELLS: '10' },
      { workers: true, providers: { mock: provider } },
    );
    user = await createUser(ctx);
    stranger = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const run = (datasetId: number, body: Record<string, unknown>, who = user) =>
    request(ctx.app).post(`/api/datasets/${datasetId}/run`).set(who.headers).send(body);

  /** Mean overall quality and counts of a batch's rows, straight from the database. */
  async function stored(batchId: number) {
    const rows = (await ctx.db.models.Response.findAll({
      where: { batch_experiment_id: batchId },
      include: [{ model: ctx.db.models.QualityMetric, as: 'quality_metrics', required: false }],
    })) as any[];
    const scores = rows
      .map((r) => r.get({ plain: true }).quality_metrics?.overall_quality)
      .filter((q): q is number => typeof q === 'number');
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    return {
      responses: rows.length,
      completed: rows.filter((r) => r.get('status') === 'completed').length,
      scored: scores.length,
      average: Math.round(mean * 100) / 100,
      min: Math.round(Math.min(...scores) * 100) / 100,
      max: Math.round(Math.max(...scores) * 100) / 100,
      prompts: new Set(rows.map((r) => r.get('experiment_id'))).size,
    };
  }

  it('when a prompt of a dataset is run with a parameter sweep, then one batch runs it and results are read per prompt and category', async () => {
    const dataset = await createDataset(ctx, user, {
      category: 'technical',
      prompts: [
        {
          text: 'Explain how a hash map handles collisions',
          tags: ['data-structures'],
          difficulty: 'medium',
        },
        { text: 'Explain what a mutex is', tags: ['concurrency'], difficulty: 'easy' },
      ],
    });
    const res = await run(dataset.id, {
      model: 'mock-balanced',
      tags: ['data-structures'],
      parameter_ranges: { temperature: { values: [0.2, 0.9] } },
      iterations_per_combination: 2,
    });
    expect(res.status, res.text).toBe(201);
    const { run: created, batch_experiment: batch } = res.body.data;
    expect(created).toMatchObject({
      dataset_id: dataset.id,
      batch_experiment_id: batch.id,
      prompt_count: 1,
      total_cells: 4,
      prompts: [
        { prompt_index: 0, category: 'technical', difficulty: 'medium', tags: ['data-structures'] },
      ],
      filters: { tags: ['data-structures'] },
      links: {
        websocket: `/ws/batch-experiments/${batch.id}`,
        results: `/api/datasets/${dataset.id}/runs/${batch.id}/results`,
      },
    });
    expect(batch).toMatchObject({
      name: `${dataset.name} run`,
      prompt: 'Explain how a hash map handles collisions',
      model: 'mock-balanced',
      total_cells: 4,
      total_combinations: 2,
    });

    // Watched like any batch: it completes through the batch machinery.
    const done = await waitForBatch(ctx, user, batch.id);
    expect(done).toMatchObject({ status: 'completed', completed_cells: 4, progress: 100 });
    const db = await stored(batch.id);
    expect(db).toMatchObject({ responses: 4, completed: 4, scored: 4 });

    const results = await request(ctx.app)
      .get(`/api/datasets/${dataset.id}/runs/${batch.id}/results`)
      .set(user.headers)
      .expect(200);
    const data = results.body.data;
    const expected = {
      responses: 4,
      completed: 4,
      failed: 0,
      scored: 4,
      average_quality: db.average,
      min_quality: db.min,
      max_quality: db.max,
    };
    expect(data).toMatchObject({ status: 'completed', progress: 100, total_cells: 4 });
    expect(data.by_prompt).toEqual([
      expect.objectContaining({
        prompt_index: 0,
        prompt_id: created.prompts[0].prompt_id,
        text: 'Explain how a hash map handles collisions',
        ...expected,
      }),
    ]);
    expect(data.by_category).toEqual([
      expect.objectContaining({ category: 'technical', prompts: 1, ...expected }),
    ]);
    expect(data.by_difficulty).toEqual([
      expect.objectContaining({ difficulty: 'medium', prompts: 1, ...expected }),
    ]);
    expect(data.overall).toMatchObject({ prompts: 1, ...expected });
    expect(data.overall.total_cost).toBeGreaterThan(0);

    // A one-prompt run's cells count as that prompt's own record in suggestions.
    const suggested = await request(ctx.app)
      .get('/api/prompts/suggest?tags=data-structures&limit=50')
      .set(user.headers)
      .expect(200);
    expect(
      suggested.body.data.suggestions.find((s: any) => s.id === created.prompts[0].prompt_id)
        .performance,
    ).toEqual({ basis: 'same_prompt', average_quality: db.average, responses: 4 });

    const runs = await request(ctx.app)
      .get(`/api/datasets/${dataset.id}/runs`)
      .set(user.headers)
      .expect(200);
    expect(runs.body.data.runs.map((r: any) => r.batch_experiment_id)).toEqual([batch.id]);
  });

  it('when a starter dataset is run with fixed parameters, then the selection picks its first matching prompt', async () => {
    const list = await request(ctx.app)
      .get('/api/datasets?owner=system&category=analytical')
      .set(user.headers)
      .expect(200);
    const starter = list.body.data.datasets[0];
    const hard = await request(ctx.app)
      .get(`/api/datasets/${starter.id}?difficulty=hard&limit=1`)
      .set(user.headers)
      .expect(200);
    const first = hard.body.data.dataset.prompts[0];
    const res = await run(starter.id, {
      model: 'mock-balanced',
      difficulty: 'hard',
      limit: 1,
      parameters: { temperature: 0.5, max_tokens: 200 },
    });
    expect(res.status, res.text).toBe(201);
    const batch = res.body.data.batch_experiment;
    expect(res.body.data.run.prompts[0].prompt_id).toBe(first.id);
    expect(batch).toMatchObject({ prompt: first.text, total_cells: 1 });
    expect(batch.parameter_combinations).toEqual([{ combination_id: 1, temperature: 0.5 }]);
    await waitForBatch(ctx, user, batch.id);

    // Someone else cannot read this run, even though the dataset is public.
    const foreign = await request(ctx.app)
      .get(`/api/datasets/${starter.id}/runs/${batch.id}/results`)
      .set(stranger.headers);
    expect(foreign.status).toBe(404);
    const strangerRuns = await request(ctx.app)
      .get(`/api/datasets/${starter.id}/runs`)
      .set(stranger.headers)
      .expect(200);
    expect(strangerRuns.body.data.runs).toEqual([]);
  });

  it('when the selection or the size is wrong, then 400 says how to fix it and no batch is created', async () => {
    const dataset = await createDataset(ctx, user, {
      prompts: [
        { text: 'One', difficulty: 'easy' },
        { text: 'Two', difficulty: 'easy' },
      ],
    });
    const other = await createDataset(ctx, user, { prompts: [{ text: 'Elsewhere' }] });
    const otherPrompt = (await ctx.db.models.Prompt.findOne({ where: { dataset_id: other.id } }))!;
    const before = await ctx.db.models.BatchExperiment.count();

    const none = await run(dataset.id, { difficulty: 'hard' });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/No prompt of dataset \d+ matches the selection/);

    const foreignIds = await run(dataset.id, { prompt_ids: [otherPrompt.get('id')] });
    expect(foreignIds.status).toBe(400);
    expect(foreignIds.body.error.details).toMatchObject({
      field: 'prompt_ids',
      value: [otherPrompt.get('id')],
    });

    // 1 prompt × 11 temperatures × 1 iteration = 11 cells > BATCH_MAX_CELLS (10).
    const tooBig = await run(dataset.id, {
      limit: 1,
      parameter_ranges: { temperature: { min: 0, max: 1, step: 0.1 } },
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.message).toMatch(
      /1 prompts × 11 combinations × 1 iterations = 11 cells; the maximum is 10/,
    );

    const badBody = await run(dataset.id, { parameter_ranges: { temprature: { values: [1] } } });
    expect(badBody.status).toBe(400);
    const typo = await run(dataset.id, { temperature: 0.3 });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toMatch(/temperature/);
    expect(await ctx.db.models.BatchExperiment.count()).toBe(before);

    const notARun = await request(ctx.app)
      .get(`/api/datasets/${dataset.id}/runs/987654/results`)
      .set(user.headers);
    expect(notARun.status).toBe(404);
  });

  it('when several prompts are run, then one batch sends each its own prompt and results split by prompt, category and difficulty', async () => {
    const dataset = await createDataset(ctx, user, {
      category: 'technical',
      prompts: [
        { text: 'Explain what a B-tree index is', difficulty: 'easy' },
        { text: 'Explain how TLS certificates are verified', difficulty: 'medium' },
        { text: 'Write a poem about compilers', difficulty: 'easy', category: 'creative' },
      ],
    });
    sentPrompts.length = 0;
    const res = await run(dataset.id, {
      model: 'mock-balanced',
      parameter_ranges: { temperature: { values: [0.3, 0.9] } },
    });
    expect(res.status, res.text).toBe(201);
    const { run: created, batch_experiment: batch } = res.body.data;
    expect(created).toMatchObject({ prompt_count: 3, total_cells: 6 });
    expect(batch).toMatchObject({ total_cells: 6, total_combinations: 6 });
    // Combination ids run on across prompts: prompt p's k-th point is p × 2 + k.
    expect(
      batch.parameter_combinations.map((c: any) => [c.combination_id, c.prompt_index]),
    ).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 1],
      [5, 2],
      [6, 2],
    ]);
    await waitForBatch(ctx, user, batch.id);
    expect([...sentPrompts].sort()).toEqual(
      [
        'Explain what a B-tree index is',
        'Explain what a B-tree index is',
        'Explain how TLS certificates are verified',
        'Explain how TLS certificates are verified',
        'Write a poem about compilers',
        'Write a poem about compilers',
      ].sort(),
    );

    // Expected figures straight from the rows: combination c ran prompt floor((c - 1) / 2).
    const rows = (await ctx.db.models.Response.findAll({
      where: { batch_experiment_id: batch.id },
      include: [{ model: ctx.db.models.QualityMetric, as: 'quality_metrics' }],
    })) as any[];
    const quality = (promptIndexes: number[]) => {
      const q = rows
        .filter((r) => promptIndexes.includes(Math.floor((r.get('combination_id') - 1) / 2)))
        .map((r) => r.get({ plain: true }).quality_metrics.overall_quality as number);
      return Math.round((q.reduce((a, b) => a + b, 0) / q.length) * 100) / 100;
    };
    const results = await request(ctx.app)
      .get(`/api/datasets/${dataset.id}/runs/${batch.id}/results`)
      .set(user.headers)
      .expect(200);
    const data = results.body.data;
    expect(
      data.by_prompt.map((p: any) => [p.prompt_index, p.responses, p.average_quality]),
    ).toEqual([
      [0, 2, quality([0])],
      [1, 2, quality([1])],
      [2, 2, quality([2])],
    ]);
    expect(
      data.by_category.map((c: any) => [c.category, c.prompts, c.responses, c.average_quality]),
    ).toEqual([
      ['technical', 2, 4, quality([0, 1])],
      ['creative', 1, 2, quality([2])],
    ]);
    expect(
      data.by_difficulty.map((c: any) => [c.difficulty, c.prompts, c.average_quality]),
    ).toEqual([
      ['easy', 2, quality([0, 2])],
      ['medium', 1, quality([1])],
    ]);
    // The backing experiment carries the first prompt's text only: a multi-prompt run's cells
    // must not be credited to it as its own record.
    const suggested = await request(ctx.app)
      .get(`/api/prompts/suggest?category=technical&limit=50`)
      .set(user.headers)
      .expect(200);
    const first = suggested.body.data.suggestions.find(
      (s: any) => s.id === created.prompts[0].prompt_id,
    );
    expect(first.performance.basis).not.toBe('same_prompt');
    expect(data.overall).toMatchObject({
      prompts: 3,
      responses: 6,
      scored: 6,
      average_quality: quality([0, 1, 2]),
    });
  });
});
