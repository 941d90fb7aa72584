import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import {
  createExperiment,
  createUser,
  insertResponse,
  type TestUser,
} from '../helpers/factories.js';
import type { FakeServer } from '../helpers/fake-providers/fake-server.js';
import {
  OPENAI_CHAT,
  openAiCompletion,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const ANSWER =
  'Binary search halves the sorted range on every step, so it needs at most log2(n) comparisons. ' +
  'For example, a million sorted items take about twenty comparisons.';

describe.each(testDatabaseKinds())('LLM-as-judge scoring through the API on $name', (kind) => {
  let fake: FakeServer;
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    ctx = await createTestContext(kind, {
      OPENAI_BASE_URL: `${fake.url}/v1`,
      QUALITY_JUDGE_PROVIDER: 'openai',
      QUALITY_JUDGE_MODEL: 'gpt-4o-mini',
      LLM_MAX_RETRIES: '0',
    });
    user = await createUser(ctx);
  });
  beforeEach(() => {
    fake.reset();
    fake.setDefault(
      OPENAI_CHAT,
      openAiCompletion({ content: 'The answer is accurate and clear.\nScore: 4' }),
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('when a response is recalculated with method=llm_judge, then the judge grades every dimension and the row records it', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain binary search' });
    const responseId = await insertResponse(ctx, experiment.id, { content: ANSWER });

    const res = await request(ctx.app)
      .get(`/api/metrics/${responseId}?method=llm_judge`)
      .set(user.headers)
      .expect(200);

    const data = res.body.data;
    expect(data.calculation_method).toBe('llm_judge');
    expect(data.metrics.coherence_score).toBe(75);
    expect(data.metrics.overall_quality).toBe(75);
    expect(data.detailed_analysis.relevance.explanation).toMatch(/accurate and clear/);
    expect(data.engine).toMatchObject({ judge_provider: 'openai', judge_model: 'gpt-4o-mini' });
    const sent = fake.requestsTo(OPENAI_CHAT);
    expect(sent).toHaveLength(8);
    expect(sent[0]!.body.messages[0].content).toContain('Explain binary search');
    expect(sent[0]!.body.messages[0].content).toContain('log2(n)');
    const row = await ctx.db.models.QualityMetric.findOne({ where: { response_id: responseId } });
    expect(row!.get('calculation_method')).toBe('llm_judge');
  });

  it('when judge_samples=3, then each dimension is graded three times and the spread is reported', async () => {
    let call = 0;
    fake.setDefault(OPENAI_CHAT, (c) => {
      call += 1;
      return openAiCompletion({ content: `Reasoning.\nScore: ${call % 2 === 0 ? 5 : 3}` })(c);
    });
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain binary search' });
    const responseId = await insertResponse(ctx, experiment.id, { content: ANSWER });

    const res = await request(ctx.app)
      .get(`/api/metrics/${responseId}?method=llm_judge&judge_samples=3`)
      .set(user.headers)
      .expect(200);

    expect(fake.requestsTo(OPENAI_CHAT)).toHaveLength(24);
    expect(res.body.data.engine.stability).toMatchObject({ samples: 3 });
    expect(res.body.data.engine.stability.max_spread).toBeGreaterThan(0);
    expect(res.body.data.detailed_analysis.coherence.evidence.samples).toBe(3);
  });

  it('when method=hybrid, then heuristic and judge scores are combined', async () => {
    const experiment = await createExperiment(ctx, user, { prompt: 'Explain binary search' });
    const responseId = await insertResponse(ctx, experiment.id, { content: ANSWER });
    const res = await request(ctx.app)
      .get(`/api/metrics/${responseId}?method=hybrid`)
      .set(user.headers)
      .expect(200);
    expect(res.body.data.calculation_method).toBe('hybrid');
    expect(res.body.data.detailed_analysis.coherence.explanation).toMatch(/judge/i);
  });

  it('when the judge server fails, then 502 LLM_SERVICE_ERROR names the provider and status', async () => {
    fake.setDefault(OPENAI_CHAT, (c) => {
      c.res.writeHead(500, { 'content-type': 'application/json' });
      c.res.end(JSON.stringify({ error: { message: 'boom' } }));
    });
    const experiment = await createExperiment(ctx, user);
    const responseId = await insertResponse(ctx, experiment.id, { content: ANSWER });
    const res = await request(ctx.app)
      .get(`/api/metrics/${responseId}?method=llm_judge`)
      .set(user.headers)
      .expect(502);
    expect(res.body.error).toMatchObject({
      code: 'LLM_SERVICE_ERROR',
      details: { provider: 'openai', status: 500 },
    });
  });

  it('when the mock is asked to judge, then 400 explains that a real judge model is needed', async () => {
    const experiment = await createExperiment(ctx, user);
    const responseId = await insertResponse(ctx, experiment.id, { content: ANSWER });
    const res = await request(ctx.app)
      .get(
        `/api/metrics/${responseId}?method=llm_judge&judge_provider=mock&judge_model=mock-balanced`,
      )
      .set(user.headers)
      .expect(400);
    expect(res.body.error.details.field).toBe('judge_model');
  });
});
