import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { BATCH_EVENTS } from '../../src/realtime/events.js';
import { rowCounts } from '../helpers/batch-helpers.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { silentLogger, sleep, testRedisUrl, uniquePrefix } from '../helpers/jobs-helpers.js';
import { createTestContext, type TestContext } from '../helpers/test-app.js';
import { freePort } from '../helpers/free-port.js';
import { connectWs, type WsTestClient } from '../helpers/ws-client.js';

const postgresUrl = process.env.TEST_POSTGRES_URL;
const serverScript = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
const workerScript = fileURLToPath(new URL('../../src/worker.ts', import.meta.url));
const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-signing';
const METRICS_TOKEN = 'scrape-token-for-the-worker-metrics';

/**
 * The scale-out deployment for real: an API process that works no jobs (WORKERS_IN_API=false)
 * and two `worker` processes, separate programs sharing PostgreSQL and Redis. The sweep is
 * created over HTTP on the API and watched over its WebSocket, so every cell event a client
 * sees was raised in a worker and crossed Redis pub/sub. One worker is SIGKILLed mid-sweep.
 */
describe.skipIf(!testRedisUrl || !postgresUrl)('scale-out: API process + two workers', () => {
  let ctx: TestContext;
  let user: TestUser;
  let api: ChildProcess;
  let baseUrl: string;
  const children: ChildProcess[] = [];
  const prefix = uniquePrefix('multi');
  const shared = {
    REDIS_URL: testRedisUrl!,
    QUEUE_PREFIX: prefix,
    JOBS_LOCK_MS: '1500',
    JOBS_STALLED_INTERVAL_MS: '300',
  };

  function spawnProcess(
    script: string,
    env: Record<string, string>,
    output: string[] = [],
  ): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        ...shared,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: ctx.config.database.url!,
        JWT_SECRET,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    // This context owns the scratch database (and lets the test count rows); it works no jobs.
    ctx = await createTestContext({ name: 'postgres', baseUrl: postgresUrl! }, shared);
    user = await createUser(ctx);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // What the API logs (warnings and errors), shown if it fails to start.
    const apiOutput: string[] = [];
    api = spawnProcess(
      serverScript,
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        WORKERS_IN_API: 'false',
        RATE_LIMIT_ENABLED: 'false',
      },
      apiOutput,
    );
    // Generous: three TypeScript programs start at once on a small CI machine.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${baseUrl}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || api.exitCode !== null)
        throw new Error(`API process did not start: ${apiOutput.join('')}`);
      await sleep(100);
    }
  }, 75_000);

  afterAll(async () => {
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    const exited = running.map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of running) c.kill('SIGTERM');
    await Promise.all(exited);
    await ctx?.close();
    const cleaner = new BullmqJobQueue({ redisUrl: testRedisUrl!, prefix, logger: silentLogger });
    await cleaner.obliterate();
    await cleaner.close();
  });

  async function batchOnApi(id: number): Promise<Record<string, any>> {
    const res = await request(baseUrl)
      .get(`/api/batch-experiments/${id}`)
      .set(user.headers)
      .expect(200);
    return res.body.data.batch_experiment;
  }

  it("when a worker is SIGKILLed mid-sweep, then the API's WebSocket clients see the workers' events through Redis, every cell ends with exactly one row and the surviving worker's own /metrics counts its provider calls", async () => {
    const created = await request(baseUrl)
      .post('/api/batch-experiments')
      .set(user.headers)
      .send({
        name: 'Scale-out sweep',
        prompt: 'Write a short story about a lighthouse keeper who finds a message in a bottle',
        model: 'mock-balanced',
        parameter_ranges: {
          temperature: { min: 0, max: 1.9, step: 0.1 },
          top_p: { values: [0.5, 1] },
        },
        iterations_per_combination: 2,
      })
      .expect(201);
    const batch = created.body.data.batch_experiment;
    expect(batch.total_cells).toBe(80);

    let ws: WsTestClient | undefined;
    try {
      ws = await connectWs(
        `${baseUrl.replace('http', 'ws')}/ws/batch-experiments/${batch.id}?token=${user.token}`,
      );
      // Workers start once the client listens, so it sees every cell's events; the jobs wait
      // in Redis meanwhile.
      const workerEnv = { MOCK_LATENCY_MS: '60', WORKER_CONCURRENCY: '4' };
      const victim = spawnProcess(workerScript, workerEnv);
      // The survivor serves its own Prometheus metrics: its provider calls are counted there.
      const survivorMetrics = `http://127.0.0.1:${await freePort()}`;
      spawnProcess(workerScript, {
        ...workerEnv,
        WORKER_METRICS_PORT: new URL(survivorMetrics).port,
        METRICS_TOKEN,
      });
      const deadline = Date.now() + 30_000;
      while ((await batchOnApi(batch.id)).completed_cells < 10) {
        if (Date.now() > deadline) throw new Error('workers never started');
        await sleep(50);
      }
      victim.kill('SIGKILL');
      await new Promise((r) => victim.once('exit', r));

      const finishBy = Date.now() + 60_000;
      while (!ws.messages.some((m) => m.event === BATCH_EVENTS.BATCH_COMPLETED)) {
        if (Date.now() > finishBy) throw new Error('no completion event over the WebSocket');
        await sleep(50);
      }
      const done = await batchOnApi(batch.id);
      expect(done).toMatchObject({ status: 'completed', completed_cells: 80, failed_cells: 0 });
      expect(done.completed_combinations).toBe(40);

      const rows = await rowCounts(ctx, batch.id);
      expect(rows).toMatchObject({ total: 80, completed: 80, failed: 0 });
      expect(new Set(rows.rows.map((r: any) => `${r.combination_id}.${r.iteration}`)).size).toBe(
        80,
      );

      const events = ws.messages.map((m) => m.event);
      expect(events).toContain(BATCH_EVENTS.PROGRESS_UPDATE);
      // Each combination is announced at least once (a duplicate across workers is allowed).
      // One whose last cell was written by the killed worker just before it died is announced
      // by the re-run of that job, which may come after batch_completed.
      const announced = () =>
        new Set(
          ws!.messages
            .filter((m) => m.event === BATCH_EVENTS.COMBINATION_COMPLETED)
            .map((m) => m.data.combination_id),
        );
      const announceBy = Date.now() + 15_000;
      while (announced().size < 40 && Date.now() < announceBy) await sleep(50);
      expect(announced().size).toBe(40);
      expect(events.indexOf(BATCH_EVENTS.INSIGHTS_GENERATED)).toBeLessThan(
        events.indexOf(BATCH_EVENTS.BATCH_COMPLETED),
      );
      const completion = ws.messages.find((m) => m.event === BATCH_EVENTS.BATCH_COMPLETED)!;
      expect(completion.data).toMatchObject({ status: 'completed', completed_cells: 80 });
      await request(survivorMetrics).get('/metrics').expect(401);
      const scrape = await request(survivorMetrics)
        .get('/metrics')
        .set('Authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200);
      const sample = (name: string, label: string) =>
        scrape.text
          .split('\n')
          .filter((line) => line.startsWith(`${name}{`) && line.includes(label))
          .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
      expect(sample('llm_requests_total', 'provider="mock"')).toBeGreaterThan(0);
      expect(sample('job_duration_seconds_count', 'queue="generate-cell"')).toBeGreaterThan(0);
      const lastProgress = ws.messages
        .filter((m) => m.event === BATCH_EVENTS.PROGRESS_UPDATE)
        .at(-1)!;
      expect(lastProgress.data.completed_cells).toBe(80);
    } finally {
      await ws?.close();
    }
  }, 120_000);
});
