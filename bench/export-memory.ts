/**
 * Memory and time of exporting a large experiment: seeds N responses (default 100,000), each
 * ~600 characters of varied text with a full set of metrics, then downloads the experiment as
 * JSON, CSV and XLSX (and a zip of it) over real HTTP and prints time, bytes and the peak RSS
 * of the API process. The API runs in a child process so its RSS is not mixed with the
 * seeding's or the client's; it samples process.memoryUsage().rss every 50 ms.
 *
 *   npm run bench:export
 *   BENCH_RESPONSES=20000 npm run bench:export
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lqa_bench npm run bench:export
 *
 * BENCH_DATABASE_URL must name an empty (or disposable) database, which is seeded once and
 * reused by later runs; without it a temporary SQLite file is used and removed afterwards.
 * BENCH_FORMATS=json,csv picks the runs (json, csv, xlsx, zip/csv, zip/xlsx).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase, type Database } from '../src/db/index.js';
import { migrateUp } from '../src/db/migrator.js';
import { createLogger } from '../src/lib/logger.js';
import { buildServices } from '../src/services.js';

const SAMPLE_MS = 50;
const MB = 1024 * 1024;

type ToServer = { type: 'reset' } | { type: 'peak' };
type FromServer = { type: 'ready'; port: number } | { type: 'peak'; rss: number; heap: number };

function appConfig(databaseUrl: string) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_ENABLED: 'false',
  });
}

/** Child role: the real app on a loopback port, reporting its peak RSS on request. */
async function runServer(databaseUrl: string): Promise<void> {
  const config = appConfig(databaseUrl);
  const logger = createLogger('silent');
  const db = openDatabase(config.database, logger);
  const services = buildServices({ config, db, logger });
  const server = createServer(createApp({ config, db, logger, services }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Peak RSS, and peak V8 heap in use (what the process actually holds, beside what the
  // allocator has not handed back yet).
  let peak = { rss: 0, heap: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak = { rss: Math.max(peak.rss, m.rss), heap: Math.max(peak.heap, m.heapUsed) };
  };
  setInterval(sample, SAMPLE_MS);
  process.on('message', (msg: ToServer) => {
    if (msg.type === 'reset') peak = { rss: 0, heap: 0 };
    sample();
    process.send!({ type: 'peak', ...peak } satisfies FromServer);
  });
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

const WORDS =
  'the model answer explains neural networks layers weights gradient training data loss function optimizer learning rate batch epoch accuracy overfitting regularization dropout attention transformer token context window prompt temperature sampling creative coherent readable complete relevant engaging technical depth example summary'.split(
    ' ',
  );

/** ~600 characters of varied words (a tiny LCG, so every run seeds the same text). */
function text(seed: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  let length = 0;
  while (length < 600) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const word = WORDS[x % WORDS.length]!;
    out.push(word);
    length += word.length + 1;
  }
  return `${out.join(' ')}.`;
}

async function seed(db: Database, experimentId: number, count: number): Promise<void> {
  const started = Date.now();
  const chunk = 1000;
  const createdAt = new Date('2026-01-01T00:00:00Z').getTime();
  for (let i = 0; i < count; i += chunk) {
    const rows = Array.from({ length: Math.min(chunk, count - i) }, (_v, j) => {
      const n = i + j;
      return {
        experiment_id: experimentId,
        content: text(n),
        provider: 'mock',
        model: 'mock-balanced',
        parameters: {
          temperature: (n % 20) / 10,
          top_p: 0.9,
          max_tokens: 1000,
          frequency_penalty: 0,
          presence_penalty: 0,
        },
        response_time: 1 + (n % 100) / 100,
        cost: 0.0001 * (1 + (n % 7)),
        token_count: 100 + (n % 400),
        status: 'completed',
        created_at: new Date(createdAt + n * 1000),
        updated_at: new Date(createdAt + n * 1000),
      };
    });
    await db.sequelize.transaction((transaction) =>
      db.models.Response.bulkCreate(rows, { transaction }),
    );
  }
  // Metrics for every response in one statement, derived from the id (portable SQL).
  const score = (offset: number) => `(50 + ((id + ${offset}) % 50))`;
  await db.sequelize.query(
    `INSERT INTO quality_metrics (response_id, overall_quality, coherence_score, creativity_score,
       readability_score, completeness_score, factual_accuracy, relevance_score, engagement_score,
       technical_depth, calculation_method, processing_time, created_at)
     SELECT id, ${score(0)}, ${score(1)}, ${score(2)}, ${score(3)}, ${score(4)}, ${score(5)},
            ${score(6)}, ${score(7)}, ${score(8)}, 'heuristic', 1.5, created_at
       FROM responses WHERE experiment_id = :experimentId`,
    { replacements: { experimentId } },
  );
  console.log(`seeded ${count} responses with metrics in ${(Date.now() - started) / 1000} s`);
}

function ask(child: ChildProcess, msg: ToServer): Promise<FromServer> {
  return new Promise((resolve) => {
    child.once('message', (reply: FromServer) => resolve(reply));
    child.send(msg);
  });
}

/** Downloads to a sink that only counts bytes, as fast as the server sends. */
async function download(
  url: string,
  token: string,
  init: RequestInit = {},
): Promise<{ bytes: number; ms: number; status: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  let bytes = 0;
  await pipeline(
    res.body as unknown as NodeJS.ReadableStream,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return { bytes, ms: performance.now() - started, status: res.status };
}

/** A fresh API process, so each format's peak RSS is its own and not an earlier run's. */
async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--server', databaseUrl], {
    execArgv: ['--import', 'tsx'],
    // BENCH_NODE_OPTIONS: V8/Node flags for the API process only, e.g. --max-old-space-size=200
    // (through NODE_OPTIONS, which worker threads accept, unlike execArgv heap flags).
    env: { ...process.env, NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '' },
  });
  const ready = await new Promise<FromServer>((resolve) => child.once('message', resolve));
  if (ready.type !== 'ready') throw new Error('server did not start');
  return { child, base: `http://127.0.0.1:${ready.port}/api` };
}

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_RESPONSES ?? 100_000);
  const dir = process.env.BENCH_DATABASE_URL
    ? undefined
    : mkdtempSync(join(tmpdir(), 'lqa-export-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir!, 'bench.sqlite')}`;
  const config = appConfig(databaseUrl);
  const db = openDatabase(config.database, createLogger('silent'));
  await migrateUp(db.sequelize);
  let server = await startServer(databaseUrl);
  try {
    const credentials = { email: 'bench@example.com', password: 'bench-password' };
    // A BENCH_DATABASE_URL seeded by an earlier run is reused as it is.
    const existing = await db.models.Experiment.findOne({ where: { name: 'Export bench' } });
    let token: string;
    let experimentId: number;
    if (existing) {
      experimentId = existing.get('id') as number;
      token = (
        await postJson<{ data: { token: string } }>(`${server.base}/auth/login`, credentials)
      ).data.token;
      const stored = await db.models.Response.count({ where: { experiment_id: experimentId } });
      console.log(`reusing ${stored} seeded responses`);
    } else {
      token = (
        await postJson<{ data: { token: string } }>(`${server.base}/auth/register`, {
          username: 'bench',
          ...credentials,
        })
      ).data.token;
      const created = await postJson<{ data: { experiment: { id: number } } }>(
        `${server.base}/experiments`,
        { name: 'Export bench', prompt: 'Explain neural networks' },
        token,
      );
      experimentId = created.data.experiment.id;
      await seed(db, experimentId, count);
    }
    await db.sequelize.close();

    console.log(`database: ${config.database.dialect}`);
    console.log(
      'format   status  seconds   MB out   idle RSS MB   peak RSS MB   growth MB   peak heap MB',
    );
    const batchBody = (format: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [experimentId], format, include_analysis: true }),
    });
    const runs: Array<[string, string, RequestInit?]> = [
      ['json', `/export/${experimentId}?format=json`],
      ['csv', `/export/${experimentId}?format=csv`],
      ['xlsx', `/export/${experimentId}?format=xlsx`],
      ['zip/csv', '/export/batch', batchBody('csv')],
      ['zip/xlsx', '/export/batch', batchBody('xlsx')],
    ];
    const only = process.env.BENCH_FORMATS?.split(',');
    for (const [label, path, init] of runs.filter(([l]) => !only || only.includes(l))) {
      server.child.kill();
      server = await startServer(databaseUrl);
      const idle = await ask(server.child, { type: 'reset' });
      const result = await download(`${server.base}${path}`, token, init);
      const peak = await ask(server.child, { type: 'peak' });
      if (idle.type !== 'peak' || peak.type !== 'peak') throw new Error('unexpected reply');
      console.log(
        [
          label.padEnd(9),
          String(result.status).padEnd(6),
          (result.ms / 1000).toFixed(1).padStart(7),
          mb(result.bytes).padStart(9),
          mb(idle.rss).padStart(13),
          mb(peak.rss).padStart(13),
          mb(peak.rss - idle.rss).padStart(11),
          mb(peak.heap).padStart(14),
        ].join(' '),
      );
    }
  } finally {
    server.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') await runServer(process.argv[3]!);
else await main();
