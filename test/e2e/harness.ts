import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrator.js';
import { registerJobHandlers } from '../../src/jobs/handlers.js';
import { createLogger } from '../../src/lib/logger.js';
import { attachWebSocketServer, type RealtimeServer } from '../../src/realtime/websocket-server.js';
import { authenticateWith } from '../../src/realtime/ws-handshake.js';
import { buildServices, type Services } from '../../src/services.js';
import { createScratchDatabase } from '../helpers/databases.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../test-artifacts/screenshots', import.meta.url),
);
const WEB_CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

/** Why the browser suite cannot run here, or undefined when it can. Under CI it must run. */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return undefined;
  return `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
}

/** Builds the web app with Vite's API into a fresh temporary folder. */
export async function buildWeb(): Promise<{ dir: string; remove: () => void }> {
  const { build } = await import('vite');
  const dir = mkdtempSync(join(tmpdir(), 'lqa-web-'));
  await build({
    configFile: WEB_CONFIG,
    logLevel: 'warn',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningApp {
  url: string;
  services: Services;
  db: Database;
  close: () => Promise<void>;
}

/**
 * The real API as `npm start` runs it — HTTP server, WebSocket server, in-process job workers —
 * on a scratch SQLite database with the mock provider, serving the web build in `webDir`.
 */
export async function startApp(
  webDir: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const scratch = await createScratchDatabase({ name: 'sqlite' });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: scratch.url,
    JWT_SECRET: 'e2e-secret-that-is-long-enough-for-hs256-signing',
    RATE_LIMIT_ENABLED: 'false',
    LLM_DEFAULT_PROVIDER: 'mock',
    LLM_DEFAULT_MODEL: 'mock-balanced',
    QUALITY_THREADS: '0',
    ...env,
  });
  const logger = createLogger('silent');
  const db = openDatabase(config.database, logger);
  await migrateUp(db.sequelize);
  const services = buildServices({ config, db, logger });
  registerJobHandlers(services.jobs, services, { concurrency: config.jobs.concurrency });
  const server: Server = createServer(createApp({ config, db, logger, services, webDir }));
  const realtime: RealtimeServer = attachWebSocketServer(server, {
    bus: services.events,
    authenticate: authenticateWith(services.auth),
    canAccess: services.canWatch,
    logger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    db,
    close: async () => {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await db.sequelize.close();
      await scratch.drop();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
