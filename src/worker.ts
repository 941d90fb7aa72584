/**
 * The queue worker: works jobs (batch cells) without serving HTTP. Needs REDIS_URL — an
 * in-process queue in a separate process would have nobody enqueueing into it.
 */
import type { Server } from 'node:http';
import { createWorkerMetricsApp } from './http/worker-metrics-app.js';
import { registerJobHandlers, requeueUnfinishedBatches } from './jobs/handlers.js';
import { buildServices } from './services.js';
import {
  createLogger,
  describeDatabase,
  exitOnFatalErrors,
  loadConfigOrExit,
  openMigratedDatabase,
} from './bootstrap.js';

const config = await loadConfigOrExit();
const logger = createLogger(config.logLevel).child({ process: 'worker' });
exitOnFatalErrors(logger);

if (!config.redisUrl) {
  logger.fatal('The worker needs REDIS_URL (BullMQ); without Redis the API works jobs itself');
  process.exit(1);
}

const db = await openMigratedDatabase(config, logger).catch(() => process.exit(1));
const services = buildServices({ config, db, logger });
registerJobHandlers(services.jobs, services, { concurrency: config.jobs.concurrency });
await requeueUnfinishedBatches(services).catch((err: unknown) =>
  logger.error({ err }, 'could not re-queue unfinished batches'),
);
let metricsServer: Server | undefined;
if (config.workerMetricsPort !== undefined) {
  const port = config.workerMetricsPort;
  metricsServer = createWorkerMetricsApp(config, services).listen(port, config.host);
  metricsServer.on('error', (err) => logger.error({ err, port }, 'worker metrics server failed'));
}
logger.info(
  {
    database: describeDatabase(config.database),
    concurrency: config.jobs.concurrency,
    ...(config.workerMetricsPort !== undefined ? { metrics_port: config.workerMetricsPort } : {}),
  },
  'worker started',
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'worker shutting down');
  metricsServer?.close();
  await services.close(); // jobs first: running cells finish (bounded), then Redis
  await db.sequelize.close();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
