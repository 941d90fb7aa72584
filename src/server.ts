import { createServer } from 'node:http';
import { createApp } from './app.js';
import { registerJobHandlers, requeueUnfinishedBatches } from './jobs/handlers.js';
import { attachWebSocketServer } from './realtime/websocket-server.js';
import { authenticateWith } from './realtime/ws-handshake.js';
import { buildServices } from './services.js';
import {
  createLogger,
  describeDatabase,
  exitOnFatalErrors,
  loadConfigOrExit,
  openMigratedDatabase,
} from './bootstrap.js';

const SHUTDOWN_GRACE_MS = 10_000;

const config = await loadConfigOrExit();
const logger = createLogger(config.logLevel);
exitOnFatalErrors(logger);

const db = await openMigratedDatabase(config, logger).catch(() => process.exit(1));

const services = buildServices({ config, db, logger });
if (!config.jobs.workersInApi && !config.redisUrl) {
  logger.warn('WORKERS_IN_API=false without REDIS_URL: nothing will work queued batch cells');
}
if (config.jobs.workersInApi) {
  registerJobHandlers(services.jobs, services, { concurrency: config.jobs.concurrency });
  // The in-process queue does not survive a restart: queue again what the database says is
  // unfinished (with BullMQ this is a no-op for jobs still in Redis).
  requeueUnfinishedBatches(services)
    .then((n) => n > 0 && logger.info({ cells: n }, 're-queued unfinished batch cells'))
    .catch((err: unknown) => logger.error({ err }, 'could not re-queue unfinished batches'));
}
const server = createServer(createApp({ config, db, logger, services }));
const realtime = attachWebSocketServer(server, {
  bus: services.events,
  authenticate: authenticateWith(services.auth),
  canAccess: services.canWatch,
  logger: logger.child({ component: 'realtime' }),
  // Refused subscriptions count with the HTTP side's security events (GET /metrics).
  onSecurityEvent: (event) => {
    services.telemetry.securityEvents.inc({ type: event.type });
    logger.warn(
      { security_event: event.type, ip: event.ip, route: event.path, status: event.code },
      `security event: ${event.type}`,
    );
  },
});
server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    { port, database: describeDatabase(config.database), provider: config.llm.defaultProvider },
    `LLM Response Quality Analyzer listening on http://localhost:${port} (API docs: /api/docs/ui)`,
  );
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  // In order: stop accepting, let in-flight requests finish (bounded), then the database.
  const forced = setTimeout(() => {
    logger.warn('in-flight requests did not finish in time; closing connections');
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  forced.unref();
  const httpClosed = new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  // Upgraded sockets keep server.close() from finishing, so WebSockets go first.
  await realtime.close();
  await httpClosed;
  clearTimeout(forced);
  // Jobs (inside services.close: running cells finish or are aborted), then events and Redis.
  await services.close();
  await db.sequelize.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
