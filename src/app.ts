import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import type { Config } from './config/index.js';
import type { Database } from './db/index.js';
import { identifyCaller } from './http/authenticate.js';
import { defineRoute, mountRoutes, type RouteDefinition } from './http/define-route.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import './http/express-augment.js';
import { httpMetrics, metricsEndpoint } from './http/metrics.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { createAppLimiters } from './http/rate-limit.js';
import { inputGuards } from './http/input-guards.js';
import { requestId } from './http/request-id.js';
import { securityLog } from './http/security-log.js';
import { staticWeb } from './http/static-web.js';
import type { Logger } from './lib/logger.js';
import { buildServices, type Services } from './services.js';
import { analyticsRoutes } from './modules/analytics/analytics.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { batchExperimentRoutes } from './modules/batch-experiments/batch-experiments.routes.js';
import { datasetRoutes } from './modules/datasets/datasets.routes.js';
import { experimentRoutes } from './modules/experiments/experiments.routes.js';
import { exportRoutes } from './modules/exports/exports.routes.js';
import { metricsRoutes } from './modules/metrics/metrics.routes.js';
import { modelRoutes } from './modules/models/models.routes.js';
import { responseRoutes } from './modules/responses/responses.routes.js';
import { systemRoutes } from './modules/system/system.routes.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Prebuilt services; built from config and db when absent (the caller then cannot close them). */
  services?: Services;
  /** The built web app's folder (default dist/web); false serves no web app. */
  webDir?: string | false;
}

const API_INFO = {
  title: 'LLM Response Quality Analyzer API',
  description: 'API for LLM response quality analysis',
};

/** The express application, without `listen` — used by the server and by tests on port 0. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const services = deps.services ?? buildServices(deps);
  const tracker = services.connections;
  const info = { ...API_INFO, version: config.version };

  // General, generation, batch-creation and export limits; in Redis when REDIS_URL is set.
  const limiters = createAppLimiters(config, services.redis, logger);
  const listRoutes = () => routes;
  const routes: RouteDefinition[] = [
    ...systemRoutes(services.health, info, listRoutes),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'OpenAPI 3 description of this API, generated from its validation schemas',
      tags: ['system'],
      auth: false,
      response: { status: 200, description: 'OpenAPI document', envelope: false },
      handler: async ({ res }) => {
        res.json(openApiDocument);
      },
    }),
    ...authRoutes(services.auth),
    ...experimentRoutes(services.experiments, services.experimentStats),
    ...responseRoutes(services.generation, services.responses, limiters.generation),
    ...modelRoutes(services.models),
    ...metricsRoutes(services.metrics, services.comparison, services.rescore),
    ...batchExperimentRoutes(services.batches, services.batchControl, limiters.batchCreate),
    // A dataset run creates a batch, so it counts against the same batch-creation limit.
    ...datasetRoutes(services.datasets, limiters.batchCreate),
    ...analyticsRoutes(services.analytics),
    ...exportRoutes(services.exports, limiters.export),
    ...auditRoutes(services.audit),
  ];
  const openApiDocument = buildOpenApiDocument(routes, info);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestId);
  // Request timings and security events are read from the finished response.
  app.use(httpMetrics(services.telemetry));
  app.use(securityLog(logger.child({ component: 'security' }), services.telemetry));
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as express.Request).id,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      // One compact line per request; headers (and any credentials in them) stay out of logs.
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remote: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      // Self-hosted installs often run on plain HTTP inside a LAN; forcing https sub-requests
      // would break the docs UI there.
      // The dashboard talks to this origin over fetch and WebSockets.
      contentSecurityPolicy: {
        directives: { upgradeInsecureRequests: null, connectSrc: ["'self'", 'ws:', 'wss:'] },
      },
    }),
  );
  app.use(
    cors({
      origin: config.corsOrigin,
      exposedHeaders: [
        'X-Request-Id',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
        // Analytics say whether an answer came from their cache.
        'X-Cache',
        // Browsers only let a dashboard read the download's file name when it is exposed.
        'Content-Disposition',
      ],
    }),
  );
  app.use(express.json({ limit: '1mb' }));
  app.use(inputGuards);
  app.use(tracker.middleware);
  // Prometheus scrapes: own credentials (METRICS_TOKEN or an admin's), outside /api's limits.
  app.get('/metrics', metricsEndpoint(services.telemetry, services.auth, config.metricsToken));
  app.use(identifyCaller(services.auth));
  if (limiters.general) app.use('/api', limiters.general);

  const api = express.Router();
  api.use('/docs/ui', swaggerUi.serve, swaggerUi.setup(openApiDocument as swaggerUi.JsonObject));
  // Audited routes (src/modules/audit/audit-rules.ts) write their entry once they succeed.
  mountRoutes(api, routes, { basePath: '/api', onSuccess: services.audit.record });
  app.use('/api', api);
  if (deps.webDir !== false) app.use(staticWeb(deps.webDir));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
