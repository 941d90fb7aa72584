import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { WebhookSender } from '../../src/notifications/webhook.js';
import { ControllableProvider, createBatch, waitForBatch } from '../helpers/batch-helpers.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { sleep } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';

const WEBHOOK_SECRET = 'webhook-secret-for-tests';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  answered: number;
}

/** A loopback webhook receiver: `/flaky/*` answers 500 the first time, `/down/*` always 500. */
async function startWebhookServer(): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      let status = 200;
      if (path.startsWith('/down/')) status = 500;
      else if (path.startsWith('/flaky/') && !seen.has(path)) status = 500;
      seen.add(path);
      got.push({
        path,
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        answered: status,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, got };
}

interface Mail {
  from: string | undefined;
  to: string[];
  raw: string;
}

async function startSmtpServer(): Promise<{ server: SMTPServer; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { server, port, mails };
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The decoded Subject header (unfolded, RFC 2047 encoded words decoded). */
function subjectOf(raw: string): string {
  const m = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw);
  if (!m) return '';
  return m[1]!
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/=\?UTF-8\?([QB])\?(.*?)\?=\s*/gi, (_w, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
}

const RANGES = { temperature: { values: [0.3, 0.9] } };

describe.each(testDatabaseKinds())('batch notifications on $name', (kind) => {
  let ctx: TestContext;
  let user: TestUser;
  let hooks: Awaited<ReturnType<typeof startWebhookServer>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const provider = new ControllableProvider();

  beforeAll(async () => {
    hooks = await startWebhookServer();
    smtp = await startSmtpServer();
    ctx = await createTestContext(
      kind,
      {
        WEBHOOK_SECRET,
        WEBHOOK_RETRY_BASE_MS: '20',
        WEBHOOK_TIMEOUT_MS: '2000',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'LQA <lqa@example.test>',
      },
      { providers: { mock: provider }, workers: true },
    );
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
    await new Promise((r) => hooks?.server.close(r));
    await new Promise((r) => smtp?.server.close(() => r(undefined)));
  });

  it('when a batch with a webhook completes, then one signed summary arrives, retried after a 500', async () => {
    const path = `/flaky/${kind.name}`;
    const created = await createBatch(ctx, user, {
      name: 'Webhook sweep',
      parameter_ranges: RANGES,
      iterations_per_combination: 2,
      notify: { webhook_url: `${hooks.url}${path}?token=abc123` },
    });
    // The DTO shows the target without its query string (which may carry a token).
    expect(created.notify).toEqual({ webhook_url: `${hooks.url}${path}?…`, email: null });
    expect(JSON.stringify(created)).not.toContain('abc123');

    const done = await waitForBatch(ctx, user, created.id);
    expect(done.status).toBe('completed');
    const calls = await until('two webhook attempts', () => {
      const c = hooks.got.filter((g) => g.path === path);
      return c.length >= 2 ? c : undefined;
    });
    await sleep(150);
    const all = hooks.got.filter((g) => g.path === path);
    expect(all.map((c) => c.answered)).toEqual([500, 200]);
    // The same body and signature on every attempt.
    expect(calls[1]!.raw).toBe(calls[0]!.raw);
    for (const c of calls) {
      expect(c.headers['content-type']).toMatch(/application\/json/);
      expect(c.headers['x-lqa-event']).toBe('batch_completed');
      expect(c.headers['x-lqa-signature']).toBe(sign(c.raw));
      expect(c.headers['x-lqa-signature']).not.toBe(sign(c.raw, 'another secret'));
    }
    const body = JSON.parse(calls[1]!.raw);
    expect(body).toMatchObject({
      event: 'batch_completed',
      batch_id: created.id,
      name: 'Webhook sweep',
      status: 'completed',
      total_cells: 4,
      completed_cells: 4,
      failed_cells: 0,
      finished_at: done.completed_at,
    });
    expect(body.results_summary).toEqual(done.results_summary);
    expect(body.insights).toEqual(done.insights);
    expect(body.insights.length).toBeGreaterThan(0);
  });

  it('when a batch with an email address completes, then the loopback SMTP server gets a summary with the batch name in the subject', async () => {
    const before = smtp.mails.length;
    const created = await createBatch(ctx, user, {
      name: `Email sweep ${kind.name}`,
      parameter_ranges: RANGES,
      notify: { email: 'owner@example.test' },
    });
    expect(created.notify).toEqual({ webhook_url: null, email: 'owner@example.test' });
    await waitForBatch(ctx, user, created.id);
    const mail = await until('the email', () => smtp.mails[before]);
    expect(mail.to).toEqual(['owner@example.test']);
    expect(mail.from).toBe('lqa@example.test');
    expect(subjectOf(mail.raw)).toBe(
      `[LLM Quality Analyzer] Batch "Email sweep ${kind.name}" completed`,
    );
    expect(mail.raw).toContain('text/plain');
    expect(mail.raw).toContain('text/html');
    expect(mail.raw).toContain('2 completed, 0 failed of 2');
  });

  it('when a batch is stopped, then its webhook is told once, with status stopped', async () => {
    const path = `/stop/${kind.name}`;
    provider.hold();
    try {
      const created = await createBatch(ctx, user, {
        parameter_ranges: { max_tokens: { min: 100, max: 1200, step: 100 } },
        notify: { webhook_url: `${hooks.url}${path}` },
      });
      await request(ctx.app)
        .post(`/api/batch-experiments/${created.id}/control`)
        .set(user.headers)
        .send({ action: 'stop' })
        .expect(200);
      const call = await until('the stop webhook', () => hooks.got.find((g) => g.path === path));
      const body = JSON.parse(call.raw);
      expect(body).toMatchObject({
        event: 'batch_completed',
        batch_id: created.id,
        status: 'stopped',
        total_cells: 12,
      });
      expect(call.headers['x-lqa-signature']).toBe(sign(call.raw));
    } finally {
      provider.release();
    }
    await sleep(300);
    expect(hooks.got.filter((g) => g.path === path)).toHaveLength(1);
  });

  it('when the webhook keeps failing, then the batch still completes and the attempts stop at the maximum', async () => {
    const path = `/down/${kind.name}`;
    const created = await createBatch(ctx, user, {
      parameter_ranges: RANGES,
      notify: { webhook_url: `${hooks.url}${path}` },
    });
    const done = await waitForBatch(ctx, user, created.id);
    expect(done.status).toBe('completed');
    await until('three attempts', () =>
      hooks.got.filter((g) => g.path === path).length >= 3 ? true : undefined,
    );
    await sleep(200);
    expect(hooks.got.filter((g) => g.path === path)).toHaveLength(3);
  });

  it.each([
    ['not a URL', { webhook_url: 'not a url' }],
    ['an ftp URL', { webhook_url: 'ftp://example.com/hook' }],
    ['an invalid email', { email: 'nobody' }],
    ['an empty object', {}],
    ['an unknown key', { webhook_url: 'https://example.com/h', slack: 'x' }],
  ])('when notify has %s, then 400 VALIDATION_ERROR', async (_label, notify) => {
    const res = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({
        name: 'Bad',
        prompt: 'Say hello',
        model: 'mock-balanced',
        parameter_ranges: RANGES,
        notify,
      })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('batch notifications without SMTP (sqlite)', () => {
  let ctx: TestContext;
  let user: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({ name: 'sqlite' }, {}, { workers: true });
    user = await createUser(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when notify.email is asked for but SMTP_URL is not configured, then 400 and nothing is stored', async () => {
    const before = await ctx.db.models.BatchExperiment.count();
    const res = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({
        name: 'No SMTP',
        prompt: 'Say hello',
        model: 'mock-balanced',
        parameter_ranges: RANGES,
        notify: { email: 'owner@example.test' },
      })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toMatch(/email notifications need SMTP_URL on the server/);
    expect(await ctx.db.models.BatchExperiment.count()).toBe(before);
  });

  it('when a webhook is asked for without SMTP, then the batch is accepted', async () => {
    const res = await request(ctx.app)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({
        name: 'Hook only',
        prompt: 'Say hello',
        model: 'mock-balanced',
        parameter_ranges: RANGES,
        notify: { webhook_url: 'http://127.0.0.1:9/hook' },
      })
      .expect(201);
    expect(res.body.data.batch_experiment.notify).toEqual({
      webhook_url: 'http://127.0.0.1:9/hook',
      email: null,
    });
  });
});

describe('webhook sender and config', () => {
  it('when WEBHOOK_SECRET is unset, then the key is derived from JWT_SECRET (stable, and not the JWT key itself)', () => {
    const env = {
      NODE_ENV: 'test',
      JWT_SECRET: 'jwt-secret-for-derivation-test',
      DB_DIALECT: 'sqlite',
    };
    const a = loadConfig(env).notifications.webhookSecret;
    expect(a).toBe(loadConfig(env).notifications.webhookSecret);
    expect(a).not.toBe('jwt-secret-for-derivation-test');
    expect(a).toBe(
      createHmac('sha256', 'jwt-secret-for-derivation-test')
        .update('lqa-webhook-signing')
        .digest('hex'),
    );
    expect(loadConfig({ ...env, WEBHOOK_SECRET: 'x' }).notifications.webhookSecret).toBe('x');
  });

  it('when SMTP_URL is set without SMTP_FROM, then the configuration is refused', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'test', DB_DIALECT: 'sqlite', SMTP_URL: 'smtp://127.0.0.1:2525' }),
    ).toThrow(/SMTP_FROM/);
  });

  it('when the receiver is unreachable, then the sender retries and resolves with the error instead of throwing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const sender = new WebhookSender(
      { secret: 's', maxAttempts: 3, retryBaseMs: 5, timeoutMs: 500 },
      createLogger('silent'),
    );
    const result = await sender.send(`http://127.0.0.1:${port}/hook`, {
      batch_id: 1,
      name: 'x',
      status: 'completed',
      total_cells: 0,
      completed_cells: 0,
      failed_cells: 0,
      results_summary: null,
      insights: [],
      finished_at: new Date().toISOString(),
    });
    expect(result).toMatchObject({ ok: false, attempts: 3 });
  });
});
