import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestContext } from './test-app.js';

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  token: string;
  /** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
  headers: Record<string, string>;
}

const unique = () => randomBytes(4).toString('hex');

/** Registers a user through the API; `role: 'admin'` promotes it in the database and logs in again. */
export async function createUser(
  ctx: TestContext,
  overrides: { username?: string; email?: string; password?: string; role?: 'admin' | 'user' } = {},
): Promise<TestUser> {
  const suffix = unique();
  const body = {
    username: overrides.username ?? `user_${suffix}`,
    email: overrides.email ?? `user_${suffix}@example.com`,
    password: overrides.password ?? 'correct-horse-battery',
    full_name: 'Test User',
  };
  const res = await request(ctx.app).post('/api/auth/register').send(body).expect(201);
  let token = res.body.data.token as string;
  const id = res.body.data.user.id as number;
  if (overrides.role === 'admin') {
    await ctx.db.models.User.update({ role: 'admin' }, { where: { id } });
    const login = await request(ctx.app)
      .post('/api/auth/login')
      .send({ email: body.email, password: body.password })
      .expect(200);
    token = login.body.data.token as string;
  }
  return {
    id,
    username: body.username,
    email: body.email,
    password: body.password,
    token,
    headers: { Authorization: `Bearer ${token}` },
  };
}

/** Creates an experiment through the API and returns its JSON. */
export async function createExperiment(
  ctx: TestContext,
  user: TestUser,
  partial: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const res = await request(ctx.app)
    .post('/api/experiments')
    .set(user.headers)
    .send({
      name: `Experiment ${unique()}`,
      prompt: 'Explain neural networks in simple terms',
      ...partial,
    })
    .expect(201);
  return res.body.data.experiment;
}

/**
 * Stores a response (and, when `quality` is given, its metrics) directly: generation arrives
 * with the providers issue, and aggregates must be testable before then.
 */
export async function insertResponse(
  ctx: TestContext,
  experimentId: number,
  options: {
    content?: string;
    cost?: number;
    tokens?: number;
    responseTime?: number;
    status?: 'completed' | 'failed';
    quality?: number;
    createdAt?: Date;
  } = {},
): Promise<number> {
  const response = await ctx.db.models.Response.create({
    experiment_id: experimentId,
    content: options.content ?? 'A response.',
    model: 'mock-balanced',
    parameters: { temperature: 0.7 },
    cost: options.cost ?? 0.001,
    token_count: options.tokens ?? 100,
    response_time: options.responseTime ?? 1.5,
    status: options.status ?? 'completed',
    ...(options.createdAt ? { created_at: options.createdAt } : {}),
  });
  const id = response.get('id') as number;
  if (options.quality !== undefined) {
    await ctx.db.models.QualityMetric.create({
      response_id: id,
      overall_quality: options.quality,
      coherence_score: options.quality,
      creativity_score: options.quality,
      readability_score: options.quality,
      completeness_score: options.quality,
      calculation_method: 'heuristic',
    });
  }
  return id;
}

/** A response as an export test needs it: every column set, and every metric when given. */
export interface ResponseSeed {
  content: string;
  parameters: Record<string, unknown> | null;
  /** Metric columns by name (overall_quality, coherence_score…); absent: not scored. */
  metrics?: Record<string, number>;
  cost?: number;
  tokens?: number;
  responseTime?: number;
  status?: 'completed' | 'failed';
  errorMessage?: string;
  createdAt?: Date;
  model?: string;
}

/** Stores a response (and its quality_metrics row when `metrics` is given); returns its id. */
export async function insertResponseWithMetrics(
  ctx: TestContext,
  experimentId: number,
  seed: ResponseSeed,
): Promise<number> {
  const response = await ctx.db.models.Response.create({
    experiment_id: experimentId,
    content: seed.content,
    model: seed.model ?? 'mock-balanced',
    provider: 'mock',
    parameters: seed.parameters,
    cost: seed.cost ?? null,
    token_count: seed.tokens ?? null,
    response_time: seed.responseTime ?? null,
    status: seed.status ?? 'completed',
    error_message: seed.errorMessage ?? null,
    ...(seed.createdAt ? { created_at: seed.createdAt } : {}),
  });
  const id = response.get('id') as number;
  if (seed.metrics) {
    await ctx.db.models.QualityMetric.create({
      response_id: id,
      ...seed.metrics,
      calculation_method: 'heuristic',
    });
  }
  return id;
}

/** Creates a dataset through the API (private, category "technical" unless overridden). */
export async function createDataset(
  ctx: TestContext,
  user: TestUser,
  partial: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const res = await request(ctx.app)
    .post('/api/datasets')
    .set(user.headers)
    .send({ name: `Dataset ${unique()}`, category: 'technical', ...partial });
  if (res.status !== 201) throw new Error(`dataset create failed ${res.status} ${res.text}`);
  return res.body.data.dataset;
}
