import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBatch, rowCounts, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createExperiment, createUser, type TestUser } from '../helpers/factories.js';
import {
  ANTHROPIC_MESSAGES,
  anthropicError,
  startFakeAnthropic,
} from '../helpers/fake-providers/anthropic-fake.js';
import {
  hang,
  raw,
  type Behaviour,
  type FakeServer,
} from '../helpers/fake-providers/fake-server.js';
import {
  OPENAI_CHAT,
  openAiError,
  startFakeOpenAi,
} from '../helpers/fake-providers/openai-fake.js';
import { listen, postForEvents } from '../helpers/sse.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

/*
 * Issue 9, item 2, the provider side, end to end: the real app talks to loopback servers that
 * speak the OpenAI and Anthropic protocols and misbehave — 429 and 500 on every attempt, a
 * hang past the timeout, a malformed body, a stream cut mid-way. Each ends as a stored failed
 * response with its error (after the retries for the retryable ones), for a single generation
 * and for a batch cell, and the process keeps serving.
 */
const RETRIES = 1;

interface Protocol {
  name: 'openai' | 'anthropic';
  start: () => Promise<FakeServer>;
  route: string;
  model: string;
  error: (status: number, headers?: Record<string, string>) => Behaviour;
  malformed: Behaviour;
  /** A stream that sends a first piece of text and then the connection drops. */
  truncated: Behaviour;
}

function cutAfter(contentType: string, pieces: string[]): Behaviour {
  return async ({ res }) => {
    res.writeHead(200, { 'content-type': contentType });
    for (const piece of pieces) res.write(piece);
    await new Promise((r) => setTimeout(r, 20));
    res.destroy();
  };
}

const PROTOCOLS: Protocol[] = [
  {
    name: 'openai',
    start: startFakeOpenAi,
    route: OPENAI_CHAT,
    model: 'gpt-4o-mini',
    error: (status, headers) => openAiError(status, `fake ${status}`, headers),
    malformed: raw(200, '{"id": "chatcmpl-1", "choices": [', 'application/json'),
    truncated: cutAfter('text/event-stream', [
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'Half an ans' }, finish_reason: null }] })}\n\n`,
    ]),
  },
  {
    name: 'anthropic',
    start: startFakeAnthropic,
    route: ANTHROPIC_MESSAGES,
    model: 'claude-fake-1',
    error: (status, headers) => anthropicError(status, `fake ${status}`, headers),
    malformed: raw(200, '{"id": "msg_1", "content": [{"type": "te', 'application/json'),
    truncated: cutAfter('text/event-stream', [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"claude-fake-1","content":[],"usage":{"input_tokens":5,"output_tokens":0}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Half an ans"}}\n\n',
    ]),
  },
];

interface Scenario {
  name: string;
  behaviour: (p: Protocol) => Behaviour;
  /** Requests the provider receives: every attempt for retryable failures, one otherwise. */
  attempts: number;
  error: RegExp;
}

const SCENARIOS: Scenario[] = [
  {
    name: '429 on every attempt',
    behaviour: (p) => p.error(429, { 'retry-after': '0' }),
    attempts: RETRIES + 1,
    error: /429|rate/i,
  },
  {
    name: '500 on every attempt',
    behaviour: (p) => p.error(500),
    attempts: RETRIES + 1,
    error: /500|fake 500/i,
  },
  {
    name: 'a hang past the timeout',
    behaviour: () => hang(),
    attempts: RETRIES + 1,
    error: /timeout|timed out/i,
  },
  {
    name: 'a malformed JSON body',
    behaviour: (p) => p.malformed,
    attempts: 1,
    error: /malformed/i,
  },
];

describe.each(testDatabaseKinds())('provider faults on $name', (kind) => {
  // The database plays no part in how a provider fails: the full matrix runs on SQLite.
  const scenarios =
    kind.name === 'sqlite' ? SCENARIOS : SCENARIOS.filter((s) => s.name.startsWith('500'));

  // …and both protocols there; the other databases check the storing path with one.
  const protocols = kind.name === 'sqlite' ? PROTOCOLS : PROTOCOLS.slice(0, 1);
  describe.each(protocols)('through the $name protocol', (protocol) => {
    let fake: FakeServer;
    let ctx: TestContext;
    let user: TestUser;
    let server: Awaited<ReturnType<typeof listen>>;

    beforeAll(async () => {
      fake = await protocol.start();
      ctx = await createTestContext(
        kind,
        {
          OPENAI_API_KEY: 'sk-test',
          OPENAI_BASE_URL: `${fake.url}/v1`,
          ANTHROPIC_API_KEY: 'sk-ant-test',
          ANTHROPIC_BASE_URL: fake.url,
          LLM_MAX_RETRIES: String(RETRIES),
          LLM_TIMEOUT_MS: '400',
          QUALITY_AUTO_SCORE: 'false',
        },
        { workers: true },
      );
      user = await createUser(ctx);
      server = await listen(ctx.app);
    }, 30_000);
    beforeEach(async () => {
      await fake.idle();
      fake.reset();
    });
    afterAll(async () => {
      await server?.close();
      await ctx?.close();
      await fake?.close();
    });

    const storedFor = async (experimentId: number) =>
      (await ctx.db.models.Response.findAll({
        where: { experiment_id: experimentId },
        raw: true,
      })) as any[];

    it.each(scenarios)(
      'when the provider answers with $name to a single generation, then the answer is 502 LLM_SERVICE_ERROR and one failed response is stored with the error',
      async (scenario) => {
        fake.setDefault(protocol.route, scenario.behaviour(protocol));
        const experiment = await createExperiment(ctx, user, {
          model: protocol.model,
          provider: protocol.name,
        });

        const res = await request(ctx.app)
          .post('/api/responses/generate')
          .set(user.headers)
          .send({ experiment_id: experiment.id, count: 1 });

        expect(res.status, res.text).toBe(502);
        expect(res.body.error.code).toBe('LLM_SERVICE_ERROR');
        expect(fake.requestsTo(protocol.route)).toHaveLength(scenario.attempts);
        const rows = await storedFor(experiment.id);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ status: 'failed', provider: protocol.name });
        expect(rows[0].error_message).toMatch(scenario.error);
        await request(ctx.app).get('/api/health').expect(200);
      },
    );

    it.each(scenarios)(
      'when the provider answers with $name to a batch cell, then the cell is stored once as failed with the error and the batch finishes',
      async (scenario) => {
        fake.setDefault(protocol.route, scenario.behaviour(protocol));
        const batch = await createBatch(ctx, user, {
          model: protocol.model,
          provider: protocol.name,
          parameter_ranges: { temperature: { values: [0.5] } },
          iterations_per_combination: 1,
        });

        const done = await waitForBatch(ctx, user, batch.id);

        expect(['failed', 'completed']).toContain(done.status);
        const counts = await rowCounts(ctx, batch.id);
        expect(counts).toMatchObject({ total: 1, failed: 1, completed: 0 });
        const [row] = (await ctx.db.models.Response.findAll({
          where: { batch_experiment_id: batch.id },
          raw: true,
        })) as any[];
        expect(row.error_message).toMatch(scenario.error);
        // The job queue may retry a cell whose provider failed retryably; each job attempt makes
        // at most maxRetries + 1 calls, and the cell row is still written once.
        expect(fake.requestsTo(protocol.route).length % scenario.attempts).toBe(0);
      },
    );

    it('when a streamed generation is cut off after the first text, then the client gets an error event, a failed response is stored and the server keeps serving', async () => {
      fake.setDefault(protocol.route, protocol.truncated);
      const experiment = await createExperiment(ctx, user, {
        model: protocol.model,
        provider: protocol.name,
      });

      const answer = await postForEvents(
        `${server.url}/api/responses/generate`,
        { experiment_id: experiment.id, count: 1 },
        { ...user.headers, Accept: 'text/event-stream' },
      );

      expect(answer.status).toBe(200);
      const names = answer.events.map((e) => e.event);
      expect(names).toContain('error');
      expect(names).not.toContain('response');
      const rows = await storedFor(experiment.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].status).toBe('failed');
      expect(rows[0].error_message).toBeTruthy();
      await request(ctx.app).get('/api/health').expect(200);
    });
  });
});
