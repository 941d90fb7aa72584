/**
 * POST /api/metrics/batch end to end: 100 ~300-word texts through real HTTP (the app on a
 * loopback port, SQLite in a temp folder), timed over several calls.
 *
 *   npm run bench:metrics-batch
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { openDatabase } from '../src/db/index.js';
import { migrateUp } from '../src/db/migrator.js';
import { median } from '../src/lib/stats.js';
import { createLogger } from '../src/lib/logger.js';
import { buildServices } from '../src/services.js';
import { PROMPT, response } from './fixtures/technical-answer.js';

const dir = mkdtempSync(join(tmpdir(), 'lqa-bench-'));
const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
  RATE_LIMIT_ENABLED: 'false',
});
const logger = createLogger('silent');
const db = openDatabase(config.database, logger);
await migrateUp(db.sequelize);
const services = buildServices({ config, db, logger });
const server = createServer(createApp({ config, db, logger, services }));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;

async function post(
  path: string,
  body: unknown,
  token?: string,
): Promise<{ data: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { data: Record<string, unknown> };
}

const session = await post('/auth/register', {
  username: 'bench',
  email: 'bench@example.com',
  password: 'bench-password',
});
const token = session.data.token as string;
const batch = {
  responses: Array.from({ length: 100 }, (_, i) => ({
    id: i + 1,
    content: response(i),
    prompt: PROMPT,
  })),
};

await post('/metrics/batch', batch, token); // warm-up: loads the NLP model
const times: number[] = [];
for (let run = 0; run < 7; run += 1) {
  const started = performance.now();
  await post('/metrics/batch', batch, token);
  times.push(performance.now() - started);
}
console.log(`POST /api/metrics/batch, 100 texts of ~300 words, all dimensions, over HTTP:`);
console.log(
  `  median ${median(times).toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms over ${times.length} calls (goal: < 500 ms)`,
);
console.log(median(times) < 500 ? 'Goal met.' : 'Goal not met.');

server.close();
await services.close();
await db.sequelize.close();
rmSync(dir, { recursive: true, force: true });
