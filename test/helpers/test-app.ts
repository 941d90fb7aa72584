import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { openDatabase, type Database } from '../../src/db/index.js';
import { migrateUp } from '../../src/db/migrator.js';
import { registerJobHandlers } from '../../src/jobs/handlers.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildServices, type ServiceDeps, type Services } from '../../src/services.js';
import { createScratchDatabase, type TestDatabaseKind } from './databases.js';

export interface TestContext {
  kind: TestDatabaseKind['name'];
  app: Express;
  db: Database;
  config: Config;
  services: Services;
  close: () => Promise<void>;
}

/**
 * A real app on a fresh, migrated database of the given kind. `env` overrides the test
 * defaults (rate limiting off unless a test turns it on).
 */
export async function createTestContext(
  kind: TestDatabaseKind,
  env: Record<string, string> = {},
  options: {
    providers?: ServiceDeps['providers'];
    /** Register the job handlers (work batch cells in this process). Default false. */
    workers?: boolean;
  } = {},
): Promise<TestContext> {
  const scratch = await createScratchDatabase(kind);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: scratch.url,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-signing',
    RATE_LIMIT_ENABLED: 'false',
    MOCK_LATENCY_MS: '0',
    // Scoring threads start per context; suites that test them turn them on.
    QUALITY_THREADS: '0',
    ...env,
  });
  const logger = createLogger('silent');
  const db = openDatabase(config.database, logger);
  await migrateUp(db.sequelize);
  const services = buildServices({
    config,
    db,
    logger,
    ...(options.providers ? { providers: options.providers } : {}),
  });
  if (options.workers) {
    registerJobHandlers(services.jobs, services, { concurrency: config.jobs.concurrency });
  }
  const app = createApp({ config, db, logger, services });
  return {
    kind: kind.name,
    app,
    db,
    config,
    services,
    close: async () => {
      await services.close();
      await db.sequelize.close();
      await scratch.drop();
    },
  };
}
