/**
 * API latency under load on an already-seeded database (see `npm run seed:bench`): starts
 * the real app in-process, logs in as the bench user and measures p50 / p99 latency and
 * requests/second per endpoint with autocannon.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lqa_bench npm run bench:api-load
 *
 * Options (env): BENCH_DURATION_S (10), BENCH_CONNECTIONS (10), BENCH_SERIAL ("true": also
 * measure each endpoint with one connection, i.e. the latency one client sees),
 * BENCH_ONLY (comma-separated substrings of endpoint names, e.g. "analytics"),
 * BENCH_REDIS_URL (analytics cache in Redis instead of memory), BENCH_TIMEOUT_S (30, per
 * request), BENCH_SLOW_MS (1000) and BENCH_SLOW_SAMPLES (3): an endpoint whose first request
 * takes longer than BENCH_SLOW_MS is timed over that many sequential requests instead of
 * being load-tested.
 *
 * "cold" endpoints send `Cache-Control: no-cache`, which makes the analytics service
 * recompute instead of answering from its cache. Endpoints answering 404 (not built yet)
 * are skipped and listed as such.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { migrateUp } from '../src/db/migrator.js';
import { createLogger } from '../src/lib/logger.js';
import { buildServices } from '../src/services.js';
import { BENCH_EMAIL, BENCH_PASSWORD } from '../scripts/seed-bench-users.js';

const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 10);
const SERIAL = (env.BENCH_SERIAL ?? 'true') !== 'false';
const TIMEOUT_S = Number(env.BENCH_TIMEOUT_S ?? 30);
const SLOW_MS = Number(env.BENCH_SLOW_MS ?? 1000);
const SLOW_SAMPLES = Number(env.BENCH_SLOW_SAMPLES ?? 3);
const ONLY = env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const databaseUrl = env.BENCH_DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'Set BENCH_DATABASE_URL to a database filled by `npm run seed:bench`, e.g.\n' +
      '  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lqa_bench npm run bench:api-load',
  );
  process.exit(1);
}

interface Endpoint {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

interface Row {
  name: string;
  connections: number;
  p50?: number;
  p99?: number;
  rps?: number;
  non2xx?: number;
  cache?: string;
  note?: string | undefined;
  /** Set when the endpoint was too slow for load: p50/p99 are the median/max of these. */
  serialSamples?: number;
}

const NO_CACHE = { 'cache-control': 'no-cache' };

async function startApp(): Promise<{ server: Server; base: string; close: () => Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: 'bench-secret-'.padEnd(48, 'x'),
    RATE_LIMIT_ENABLED: 'false',
    ...(env.BENCH_REDIS_URL ? { REDIS_URL: env.BENCH_REDIS_URL } : {}),
  });
  const logger = createLogger('silent');
  const db = openDatabase(config.database, logger);
  await migrateUp(db.sequelize);
  const services = buildServices({ config, db, logger });
  const server = createServer(createApp({ config, db, logger, services }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await services.close();
      await db.sequelize.close();
    },
  };
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_EMAIL, password: BENCH_PASSWORD }),
  });
  if (!res.ok) {
    throw new Error(
      `login as ${BENCH_EMAIL} failed (${res.status}): run \`npm run seed:bench\` on this database first`,
    );
  }
  const body = (await res.json()) as { data: { token: string } };
  return body.data.token;
}

async function firstExperimentId(base: string, auth: Record<string, string>): Promise<number> {
  const res = await fetch(`${base}/api/experiments`, { headers: auth });
  const body = (await res.json()) as { data?: { experiments?: { id: number }[] } };
  const id = body.data?.experiments?.[0]?.id;
  if (!res.ok || id === undefined) throw new Error('the bench user has no experiments: seed first');
  return id;
}

/** `CODE: message` from the spec's error envelope, else the start of the body. */
function errorSummary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error) return `${parsed.error.code}: ${parsed.error.message}`.slice(0, 160);
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 160);
}

/** One request, timed: skips what does not exist yet and reports the cache header. */
async function probe(base: string, endpoint: Endpoint, headers: Record<string, string>) {
  const started = performance.now();
  const res = await fetch(base + endpoint.path, {
    headers,
    signal: AbortSignal.timeout(TIMEOUT_S * 1000),
  }).catch((err: unknown) => err as Error);
  if (res instanceof Error) return { error: `probe failed: ${res.message}` };
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status === 404) return { error: 'skipped: 404 (endpoint not available)' };
  if (!res.ok) return { error: `skipped: probe answered ${res.status} ${errorSummary(text)}` };
  return { ms, cache: res.headers.get('x-cache') ?? undefined };
}

async function measure(
  base: string,
  endpoint: Endpoint,
  auth: Record<string, string>,
  connections: number,
): Promise<Row> {
  const headers = { ...auth, ...endpoint.headers };
  const row: Row = { name: endpoint.name, connections };
  const first = await probe(base, endpoint, headers);
  if ('error' in first) return { ...row, note: first.error };
  row.cache = first.cache;
  // Concurrent copies of a request slower than SLOW_MS would only measure the queue they
  // build up (and autocannon drops requests still in flight when the run ends): time a few
  // sequential requests instead, once.
  if (first.ms > SLOW_MS) {
    if (connections !== 1) return { ...row, note: 'skipped: too slow for load (see 1-conn row)' };
    const times = [first.ms];
    for (let i = 1; i < SLOW_SAMPLES; i += 1) {
      const next = await probe(base, endpoint, headers);
      if ('error' in next) return { ...row, note: next.error };
      times.push(next.ms);
    }
    times.sort((a, b) => a - b);
    return {
      ...row,
      p50: Math.round(times[Math.floor(times.length / 2)]!),
      p99: Math.round(times[times.length - 1]!),
      rps: 1000 / (times.reduce((s, t) => s + t, 0) / times.length),
      non2xx: 0,
      note: undefined,
      serialSamples: times.length,
    };
  }
  const result = await autocannon({
    url: base + endpoint.path,
    headers,
    connections,
    duration: DURATION_S,
    timeout: TIMEOUT_S,
  });
  return {
    ...row,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

const HEADER = ['endpoint', 'conns', 'p50 ms', 'p99 ms', 'req/s', 'errors', 'X-Cache'];
const WIDTHS = [48, 5, 7, 7, 7, 6, 7];

/** Rows are printed as they finish, so a slow endpoint does not hide the others' figures. */
function printRow(cells: string[]): void {
  console.log(cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 0)).join(' | '));
}

function rowCells(r: Row): string[] {
  if (r.note) return [r.name, String(r.connections), r.note];
  return [
    r.name,
    String(r.connections),
    String(r.p50),
    String(r.p99),
    r.rps! < 10 ? r.rps!.toFixed(2) : r.rps!.toFixed(0),
    String(r.non2xx),
    r.cache ?? '-',
    ...(r.serialSamples ? [`(${r.serialSamples} sequential requests: median / max)`] : []),
  ];
}

const app = await startApp();
try {
  const token = await login(app.base);
  const auth = { authorization: `Bearer ${token}` };
  const id = await firstExperimentId(app.base, auth);
  const endpoints: Endpoint[] = [
    { name: 'GET /api/health', path: '/api/health' },
    { name: 'GET /api/experiments', path: '/api/experiments' },
    { name: 'GET /api/experiments/:id', path: `/api/experiments/${id}` },
    { name: 'GET /api/experiments/:id/responses', path: `/api/experiments/${id}/responses` },
    { name: 'analytics dashboard (cold)', path: '/api/analytics/dashboard', headers: NO_CACHE },
    { name: 'analytics dashboard (cached)', path: '/api/analytics/dashboard' },
    {
      name: 'analytics parameter-analysis temperature (cold)',
      path: '/api/analytics/parameter-analysis?parameter=temperature',
      headers: NO_CACHE,
    },
    {
      name: 'analytics model-comparison (cold)',
      path: '/api/analytics/model-comparison',
      headers: NO_CACHE,
    },
  ].filter((e) => !ONLY || ONLY.some((o) => e.name.includes(o)));

  console.log(
    `${databaseUrl.split(':')[0]} · experiment ${id} · ${DURATION_S} s per run · ` +
      `${CONNECTIONS} connections${SERIAL ? ' and 1 connection' : ''} · ` +
      // Other work on the machine inflates every figure: record how busy it was.
      `${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  printRow(HEADER);
  printRow(WIDTHS.map((w) => '-'.repeat(w)));
  for (const endpoint of endpoints) {
    if (SERIAL && CONNECTIONS !== 1) printRow(rowCells(await measure(app.base, endpoint, auth, 1)));
    printRow(rowCells(await measure(app.base, endpoint, auth, CONNECTIONS)));
  }
} finally {
  await app.close();
}
