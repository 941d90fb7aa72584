import request from 'supertest';
import { MockProvider } from '../../src/llm/mock/mock-provider.js';
import { ProviderError, type GenerateRequest, type LlmProvider } from '../../src/llm/types.js';
import type { TestUser } from './factories.js';
import { sleep } from './jobs-helpers.js';
import type { TestContext } from './test-app.js';

/**
 * The mock provider with two test switches: `failWhen` fails matching requests with a
 * non-retryable provider error, and `hold()` makes calls wait until `release()`.
 */
export class ControllableProvider implements LlmProvider {
  readonly id = 'mock';
  readonly name = 'Mock (controllable)';
  readonly configured = true;
  failWhen: ((req: GenerateRequest) => boolean) | undefined;
  calls = 0;
  waiting = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private readonly inner = new MockProvider({ latencyMsPer100Tokens: 0 });

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async generate(req: GenerateRequest) {
    this.calls += 1;
    if (this.gate) {
      this.waiting += 1;
      await this.gate;
      this.waiting -= 1;
    }
    if (this.failWhen?.(req))
      throw new ProviderError('simulated outage for this setting', {
        provider: 'mock',
        status: 400,
        retryable: false,
      });
    return this.inner.generate(req);
  }

  stream(req: GenerateRequest) {
    return this.inner.stream(req);
  }

  listModels(signal?: AbortSignal) {
    return this.inner.listModels(signal);
  }

  testConnection(signal?: AbortSignal) {
    return this.inner.testConnection(signal);
  }
}

export async function createBatch(
  ctx: TestContext,
  user: TestUser,
  body: Record<string, unknown>,
): Promise<Record<string, any>> {
  const res = await request(ctx.app)
    .post('/api/batch-experiments')
    .set(user.headers)
    .send({
      name: 'Sweep',
      prompt: 'Write a short story about a lighthouse keeper who finds a message in a bottle',
      model: 'mock-balanced',
      ...body,
    });
  if (res.status !== 201)
    throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.batch_experiment;
}

export async function getBatch(
  ctx: TestContext,
  user: TestUser,
  id: number,
): Promise<Record<string, any>> {
  const res = await request(ctx.app)
    .get(`/api/batch-experiments/${id}`)
    .set(user.headers)
    .expect(200);
  return res.body.data.batch_experiment;
}

/** Polls GET /:id until `done(batch)`, failing after `timeoutMs`. */
export async function waitForBatch(
  ctx: TestContext,
  user: TestUser,
  id: number,
  done: (b: Record<string, any>) => boolean = (b) =>
    ['completed', 'failed', 'stopped'].includes(b.status),
  timeoutMs = 30_000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await getBatch(ctx, user, id);
    if (done(batch)) return batch;
    if (Date.now() > deadline)
      throw new Error(`batch ${id} not done in time: ${JSON.stringify(batch)}`);
    await sleep(50);
  }
}

/** Waits until the job queue has nothing waiting or running. */
export async function waitForIdle(ctx: TestContext, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await ctx.services.jobs.counts('generate-cell');
    if (c.active === 0 && c.waiting === 0 && c.delayed === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not idle: ${JSON.stringify(c)}`);
    await sleep(20);
  }
}

export async function rowCounts(ctx: TestContext, batchId: number) {
  const rows = await ctx.db.models.Response.findAll({
    where: { batch_experiment_id: batchId },
    attributes: ['status', 'combination_id', 'iteration'],
    raw: true,
  });
  const by = (s: string) => rows.filter((r: any) => r.status === s).length;
  return { total: rows.length, completed: by('completed'), failed: by('failed'), rows };
}
