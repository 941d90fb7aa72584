import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import type { DomainEvent } from '../../src/realtime/events.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import { silentLogger, sleep, testRedisUrl, uniquePrefix } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import type { FakeServer } from '../helpers/fake-providers/fake-server.js';
import {
  OPENAI_CHAT,
  openAiCompletion,
  openAiError,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';

const STORY =
  'The lighthouse keeper found a bottle on the rocks. Inside was a letter from his daughter, ' +
  'written years ago. He read it twice, then climbed the stairs to light the lamp.';

/** The score-response queue end to end: in-process on every database, BullMQ with Redis. */
const modes = [
  ...testDatabaseKinds().map((kind) => ({
    label: `${kind.name} + in-process queue`,
    kind,
    env: {},
  })),
  ...(testRedisUrl
    ? [
        {
          label: 'sqlite + BullMQ',
          kind: { name: 'sqlite' as const },
          env: { REDIS_URL: testRedisUrl, QUEUE_PREFIX: uniquePrefix('rescore') },
        },
      ]
    : []),
];

describe.each(modes)('POST /api/experiments/:id/rescore ($label)', ({ kind, env }) => {
  let ctx: TestContext;
  let owner: TestUser;
  let stranger: TestUser;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(kind, env, { workers: true });
    owner = await createUser(ctx);
    stranger = await createUser(ctx);
    ctx.services.events.subscribe((e) => void events.push(e));
  });
  afterAll(async () => {
    await ctx?.close();
    if ('QUEUE_PREFIX' in env) {
      const cleaner = new BullmqJobQueue({
        redisUrl: testRedisUrl!,
        prefix: env.QUEUE_PREFIX,
        logger: silentLogger,
      });
      await cleaner.obliterate();
      await cleaner.close();
    }
  });

  async function waitForScores(ids: number[], timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await Promise.all(ids.map((id) => metricsOf(ctx, id)));
      if (
        rows.every(
          (r: any) => r && r.calculation_method === 'heuristic' && r.overall_quality !== 50,
        )
      )
        return;
      if (Date.now() > deadline) throw new Error(`not rescored: ${JSON.stringify(rows)}`);
      await sleep(30);
    }
  }

  it('when an experiment is rescored, then every completed response gets fresh heuristic scores and each is announced on its channel', async () => {
    const experiment = await createExperiment(ctx, owner);
    // Placeholder scores of 50 everywhere: the rescore must replace them with computed ones.
    const scored = await insertResponse(ctx, experiment.id, { content: STORY, quality: 50 });
    const unscored = await insertResponse(ctx, experiment.id, { content: `${STORY} The end.` });
    const failed = await insertResponse(ctx, experiment.id, { status: 'failed' });

    const res = await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'heuristic' })
      .expect(202);
    expect(res.body.data).toMatchObject({
      experiment_id: experiment.id,
      method: 'heuristic',
      queued: 2,
    });
    expect(res.body.data.request_id).toMatch(/^[a-f0-9]{32}$/);

    await waitForScores([scored, unscored]);
    const fresh = (await metricsOf(ctx, scored)) as any;
    expect(fresh.overall_quality).toBeGreaterThan(0);
    expect(fresh.coherence_score).not.toBe(50);
    expect(await metricsOf(ctx, failed)).toBeNull();

    const announcedFor = () =>
      events.filter(
        (e) =>
          e.channel.kind === 'experiment' &&
          e.channel.id === experiment.id &&
          e.type === 'quality_calculated' &&
          (e.data as any).request_id === res.body.data.request_id,
      );
    // The event follows the stored row: give the last one a moment.
    for (let i = 0; i < 100 && announcedFor().length < 2; i += 1) await sleep(20);
    const announced = announcedFor();
    expect(announced.map((e) => (e.data as any).response_id).sort()).toEqual(
      [scored, unscored].sort(),
    );
    expect((announced[0]!.data as any).metrics.metrics.overall_quality).toBeGreaterThan(0);
  });

  it('when only_unscored is set, then responses that already have metrics are left alone', async () => {
    const experiment = await createExperiment(ctx, owner);
    const kept = await insertResponse(ctx, experiment.id, { content: STORY, quality: 50 });
    const missing = await insertResponse(ctx, experiment.id, { content: STORY });
    const res = await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ only_unscored: true })
      .expect(202);
    expect(res.body.data.queued).toBe(1);
    await waitForScores([missing]);
    expect(((await metricsOf(ctx, kept)) as any).overall_quality).toBe(50);
  });

  it("when the experiment is someone else's or unknown, then 404 and nothing is queued", async () => {
    const experiment = await createExperiment(ctx, owner);
    await insertResponse(ctx, experiment.id, { content: STORY });
    for (const [user, id] of [
      [stranger, experiment.id],
      [owner, 999_999],
    ] as const) {
      const res = await request(ctx.app)
        .post(`/api/experiments/${id}/rescore`)
        .set(user.headers)
        .send({})
        .expect(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('when the body is wrong or the judge cannot be built, then a 4xx names the problem', async () => {
    const experiment = await createExperiment(ctx, owner);
    const bad = await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'vibes' })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    // The mock cannot grade: refused before anything is queued.
    const judge = await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'llm_judge', judge_provider: 'mock', judge_model: 'mock-balanced' })
      .expect(400);
    expect(judge.body.error.message).toMatch(/mock provider cannot act as a judge/);
  });
});

/** Re-scoring with a real (loopback) judge: grades stored, and a judge outage never lowers a score. */
describe('POST /api/experiments/:id/rescore with the LLM judge', () => {
  let fake: FakeServer;
  let ctx: TestContext;
  let owner: TestUser;
  const events: DomainEvent[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    ctx = await createTestContext(
      { name: 'sqlite' },
      {
        OPENAI_BASE_URL: `${fake.url}/v1`,
        QUALITY_JUDGE_PROVIDER: 'openai',
        QUALITY_JUDGE_MODEL: 'gpt-4o-mini',
        LLM_MAX_RETRIES: '0',
      },
      { workers: true },
    );
    owner = await createUser(ctx);
    ctx.services.events.subscribe((e) => void events.push(e));
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('when the judge grades, then the rows record llm_judge; when it fails for good, then the old scores stay and error_occurred names the response', async () => {
    const experiment = await createExperiment(ctx, owner);
    const id = await insertResponse(ctx, experiment.id, { content: STORY, quality: 50 });

    fake.setDefault(OPENAI_CHAT, openAiCompletion({ content: 'Clear and apt.\nScore: 4' }));
    await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'llm_judge' })
      .expect(202);
    const deadline = Date.now() + 20_000;
    while (((await metricsOf(ctx, id)) as any)?.calculation_method !== 'llm_judge') {
      if (Date.now() > deadline) throw new Error('judge rescore did not land');
      await sleep(30);
    }
    const graded = (await metricsOf(ctx, id)) as any;
    expect(graded.coherence_score).toBe(75); // 4 on the 1–5 rubric

    fake.setDefault(OPENAI_CHAT, openAiError(500, 'judge is down'));
    const failing = await request(ctx.app)
      .post(`/api/experiments/${experiment.id}/rescore`)
      .set(owner.headers)
      .send({ method: 'llm_judge' })
      .expect(202);
    const until = Date.now() + 20_000;
    const failedEvent = () =>
      events.find(
        (e) =>
          e.type === 'error_occurred' &&
          (e.data as any).request_id === failing.body.data.request_id,
      );
    // Three attempts with 1 s and 2 s backoff, then the failure is announced.
    while (!failedEvent()) {
      if (Date.now() > until) throw new Error('no error_occurred after the judge failed');
      await sleep(50);
    }
    expect((failedEvent()!.data as any).response_id).toBe(id);
    expect((failedEvent()!.data as any).error).toMatch(/Quality scoring failed/);
    expect(((await metricsOf(ctx, id)) as any).coherence_score).toBe(75);
  }, 30_000);
});

function metricsOf(ctx: TestContext, responseId: number) {
  return ctx.db.models.QualityMetric.findOne({ where: { response_id: responseId }, raw: true });
}
