/**
 * What the fuzzing user owns, so id routes reach their services: an experiment with scored
 * responses, a batch, a dataset with prompts and a dataset run. Also the table fingerprint that
 * must not move when a write is rejected.
 */
import fc from 'fast-check';
import request from 'supertest';
import { createBatch } from '../batch-helpers.js';
import {
  createDataset,
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../factories.js';
import type { TestContext } from '../test-app.js';
import type { Operation } from './operations.js';
import type { SchemaContext } from './schema-arbitrary.js';

export interface FuzzFixtures {
  user: TestUser;
  experiments: number[];
  responses: number[];
  batches: number[];
  datasets: number[];
  prompts: number[];
  runs: number[];
}

export async function arrangeFixtures(ctx: TestContext): Promise<FuzzFixtures> {
  const user = await createUser(ctx);
  const experiment = await createExperiment(ctx, user, { model: 'mock-balanced' });
  const responses = [
    await insertResponse(ctx, experiment.id, { quality: 72 }),
    await insertResponse(ctx, experiment.id, { quality: 55, content: 'Another answer.' }),
  ];
  const batch = await createBatch(ctx, user, {
    parameter_ranges: { temperature: { values: [0.2, 0.8] } },
    iterations_per_combination: 1,
  });
  const dataset = await createDataset(ctx, user);
  const added = await request(ctx.app)
    .post(`/api/datasets/${dataset.id}/prompts`)
    .set(user.headers)
    .send({
      prompts: [{ text: 'Explain recursion' }, { text: 'Summarise the French revolution' }],
    });
  if (added.status !== 201) throw new Error(`prompts failed ${added.status} ${added.text}`);
  const prompts = (
    await ctx.db.models.Prompt.findAll({ where: { dataset_id: dataset.id }, raw: true })
  ).map((p: any) => p.id as number);
  const run = await request(ctx.app)
    .post(`/api/datasets/${dataset.id}/run`)
    .set(user.headers)
    .send({ model: 'mock-balanced' });
  if (run.status !== 201 && run.status !== 202)
    throw new Error(`run failed ${run.status} ${run.text}`);
  const runs = (
    await ctx.db.models.DatasetRun.findAll({ where: { dataset_id: dataset.id }, raw: true })
  ).map((r: any) => r.batch_experiment_id as number);
  return {
    user,
    experiments: [experiment.id],
    responses,
    batches: [batch.id, ...runs],
    datasets: [dataset.id],
    prompts,
    runs,
  };
}

/** Ids the user owns for a path parameter of `op`. A DELETE never gets its target's real id. */
export function ownedIds(op: Operation, param: string, f: FuzzFixtures): number[] {
  const pathParams = op.params.filter((p) => p.in === 'path').map((p) => p.name);
  if (op.method === 'delete' && pathParams.at(-1) === param) return [];
  if (param === 'responseId' || op.path.startsWith('/api/responses/')) return f.responses;
  if (param === 'experimentId') return f.experiments;
  if (param === 'promptId') return f.prompts;
  if (param === 'batchId') return f.runs;
  if (op.path.startsWith('/api/experiments/')) return f.experiments;
  if (op.path.includes('/batch-experiments/')) return f.batches;
  if (op.path.startsWith('/api/datasets/')) return f.datasets;
  return [];
}

const TABLES = [
  'users',
  'experiments',
  'batch_experiments',
  'responses',
  'quality_metrics',
  'datasets',
  'prompts',
  'dataset_runs',
  // A failed request must not be audited either.
  'audit_logs',
];

/** Row counts of the main tables plus the latest update of the editable ones, in one query. */
export async function fingerprint(ctx: TestContext): Promise<Record<string, string>> {
  const parts = [
    ...TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`),
    ...['experiments', 'batch_experiments', 'datasets'].map(
      (t) => `(SELECT MAX(updated_at) FROM ${t}) AS ${t}_updated`,
    ),
  ];
  const [rows] = await ctx.db.sequelize.query(`SELECT ${parts.join(', ')}`);
  const row = (rows as Record<string, unknown>[])[0] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, String(v instanceof Date ? v.toISOString() : v)]),
  );
}

const MOCK_MODELS = ['mock-balanced', 'mock-fast', 'mock-creative', 'mock-precise'];

/** Known models, the caller's ids and well-formed dates for the fields that name them. */
export function withHints(ctx: SchemaContext, f: FuzzFixtures): SchemaContext {
  const ids = (owned: number[], min: number) =>
    fc
      .array(fc.constantFrom(...owned, 987_654), { minLength: min, maxLength: Math.max(min, 4) })
      .map((list) => JSON.stringify(list));
  const model = fc.constantFrom(...MOCK_MODELS);
  const metric = fc.constantFrom('overall', 'coherence', 'creativity_score', 'readability');
  const metrics = fc
    .uniqueArray(metric, { minLength: 1, maxLength: 3 })
    .map((list) => JSON.stringify(list));
  return {
    ...ctx,
    bodyHints: {
      model: model.map((m) => JSON.stringify(m)),
      judge_model: model.map((m) => JSON.stringify(m)),
      provider: fc.constant('"mock"'),
      judge_provider: fc.constant('"mock"'),
      response_ids: ids(f.responses, 2),
      experiment_ids: ids(f.experiments, 1),
      id: fc.constantFrom(...f.responses).map(String),
      email: fc
        .integer({ min: 0, max: 2 ** 30 })
        .map((n) => `"fuzz_${n.toString(36)}@example.com"`),
      metric: metric.map((m) => JSON.stringify(m)),
      metrics_to_calculate: metrics,
      focus_metrics: metrics,
      comparison_criteria: metrics,
    },
    queryHints: {
      model,
      models: model,
      metric,
      provider: fc.constantFrom('mock', 'openai', 'ollama', 'anthropic'),
      experiment_ids: fc.constantFrom(...f.experiments).map(String),
      date_range: fc.constant('2020-01-01,2100-01-01'),
      'date_range[from]': fc.constant('2020-01-01'),
      'date_range[to]': fc.constant('2100-01-01'),
    },
  };
}
