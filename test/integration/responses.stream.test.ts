import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import { listen, postForEvents } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

describe.each(testDatabaseKinds())('generation over Server-Sent Events on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    // Slow enough that a client can leave mid-stream.
    ctx = await createTestContext(kind, { MOCK_LATENCY_MS: '40', LLM_CONCURRENCY: '1' });
    user = await createUser(ctx);
    server = await listen(ctx.app);
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  it('when the client accepts an event stream, then deltas, each response and a final summary arrive in order', async () => {
    const experiment = await createExperiment(ctx, user);
    const { status, contentType, events } = await postForEvents(
      `${server.url}/api/responses/generate`,
      { experiment_id: experiment.id, count: 2 },
      user.headers,
    );

    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('started');
    expect(names.at(-1)).toBe('summary');
    expect(names.filter((n) => n === 'response')).toHaveLength(2);
    expect(names.filter((n) => n === 'delta').length).toBeGreaterThan(2);

    for (const response of events
      .filter((e) => e.event === 'response')
      .map((e) => e.data.response)) {
      const streamed = events
        .filter((e) => e.event === 'delta' && e.data.response_id === response.id)
        .map((e) => e.data.text)
        .join('');
      expect(streamed).toBe(response.content);
    }
    const summary = events.at(-1)!.data;
    expect(summary).toMatchObject({
      experiment_id: experiment.id,
      total_generated: 2,
      total_errors: 0,
    });
  });

  it('when the client disconnects mid-stream, then the remaining work is cancelled and recorded, and nothing is left running', async () => {
    const experiment = await createExperiment(ctx, user, { parameters: { max_tokens: 400 } });
    const { events } = await postForEvents(
      `${server.url}/api/responses/generate`,
      { experiment_id: experiment.id, count: 3 },
      user.headers,
      (event) => event.event === 'delta',
    );
    expect(events.some((e) => e.event === 'summary')).toBe(false);

    // The server notices the closed socket, aborts the provider calls and finalises the rows.
    const deadline = Date.now() + 10_000;
    let statuses: unknown[] = [];
    while (Date.now() < deadline) {
      const rows = await ctx.db.models.Response.findAll({
        where: { experiment_id: experiment.id },
      });
      statuses = rows.map((r) => r.get('status'));
      if (statuses.length === 3 && statuses.every((s) => s !== 'generating')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statuses).toHaveLength(3);
    expect(statuses).toContain('failed');
    const failed = await ctx.db.models.Response.findOne({
      where: { experiment_id: experiment.id, status: 'failed' },
    });
    expect(String(failed!.get('error_message'))).toMatch(/cancelled/i);
    const detail = await request(ctx.app)
      .get(`/api/experiments/${experiment.id}`)
      .set(user.headers)
      .expect(200);
    expect(detail.body.data.experiment.status).not.toBe('running');
  });

  it('when the experiment does not exist, then the client gets a plain 404 before any stream opens', async () => {
    const res = await request(ctx.app)
      .post('/api/responses/generate')
      .set({ ...user.headers, Accept: 'text/event-stream' })
      .send({ experiment_id: 987_654 })
      .expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
