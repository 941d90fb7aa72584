import express, { type Express } from 'express';
import type { Config } from '../config/index.js';
import type { Services } from '../services.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import './express-augment.js';
import { metricsEndpoint } from './metrics.js';
import { requestId } from './request-id.js';

/**
 * What a standalone worker serves over HTTP (WORKER_METRICS_PORT): its own `GET /metrics`.
 * In scale-out mode the workers make the provider calls and run the jobs, so the tokens,
 * cost, provider requests and job durations of sweeps are counted in the workers' registries,
 * not the API's; Prometheus scrapes each worker here. Same credentials as the API's
 * endpoint (METRICS_TOKEN or an administrator's), same error envelope.
 */
export function createWorkerMetricsApp(config: Config, services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId);
  app.get('/metrics', metricsEndpoint(services.telemetry, services.auth, config.metricsToken));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
