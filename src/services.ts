import type { Config } from './config/index.js';
import type { Database } from './db/index.js';
import type { Logger } from './lib/logger.js';
import { UsersRepository } from './modules/auth/auth.repository.js';
import { AuthService } from './modules/auth/auth.service.js';
import { TokenService } from './modules/auth/tokens.js';
import { ExperimentsRepository } from './modules/experiments/experiments.repository.js';
import { ExperimentsService } from './modules/experiments/experiments.service.js';
import { HealthService, type LlmStatus } from './modules/system/health.service.js';
import { SystemRepository } from './modules/system/system.repository.js';

/** Every service the HTTP layer (and later the worker) calls; built once per process. */
export interface Services {
  auth: AuthService;
  experiments: ExperimentsService;
  health: HealthService;
}

/**
 * Until provider adapters exist the only live provider is the built-in mock: report it as
 * connected, and anything else as not configured rather than pretending.
 */
function configuredLlmStatus(config: Config): () => Promise<LlmStatus> {
  const mockMode = config.llm.defaultProvider === 'mock';
  return async () => ({ service: mockMode ? 'Connected' : 'Not configured', mockMode });
}

/** The composition root: repositories and services wired from config and the database. */
export function buildServices(
  deps: { config: Config; db: Database; logger: Logger },
  activeConnections: () => number,
): Services {
  const { config, db, logger } = deps;
  const users = new UsersRepository(db);
  const auth = new AuthService(
    users,
    new TokenService(config.jwt.secret, config.jwt.expiresInSeconds),
  );
  const experiments = new ExperimentsService(new ExperimentsRepository(db), users, {
    provider: config.llm.defaultProvider,
    model: config.llm.defaultModel,
  });
  const health = new HealthService(
    new SystemRepository(db),
    { version: config.version, environment: config.env },
    configuredLlmStatus(config),
    activeConnections,
    logger,
  );
  return { auth, experiments, health };
}
