import type { Redis } from 'ioredis';
import type { Config } from './config/index.js';
import type { Database } from './db/index.js';
import { createConnectionTracker } from './http/connection-tracker.js';
import { createJobQueue } from './jobs/create-job-queue.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Logger } from './lib/logger.js';
import { MemoryCache, RedisCache } from './lib/cache.js';
import { AppMetrics } from './lib/metrics.js';
import { createRedisClient } from './lib/redis.js';
import { ProviderRegistry, type ProviderId } from './llm/registry.js';
import {
  MemoryResponseCache,
  RedisResponseCache,
  type ResponseCache,
} from './llm/response-cache.js';
import type { LlmProvider } from './llm/types.js';
import { AnalyticsCache } from './modules/analytics/analytics-cache.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AnalyticsRepository } from './modules/analytics/analytics.repository.js';
import { AnalyticsService } from './modules/analytics/analytics.service.js';
import { DashboardRepository } from './modules/analytics/dashboard.repository.js';
import { UsersRepository } from './modules/auth/auth.repository.js';
import { BatchControlService } from './modules/batch-experiments/batch-control.service.js';
import { BatchExperimentsRepository } from './modules/batch-experiments/batch-experiments.repository.js';
import { BatchExperimentsService } from './modules/batch-experiments/batch-experiments.service.js';
import { BatchRunner } from './modules/batch-experiments/batch-runner.js';
import { CellStore } from './modules/batch-experiments/cell-store.js';
import { buildDatasetServices } from './modules/datasets/build-dataset-services.js';
import type { DatasetServices } from './modules/datasets/datasets.routes.js';
import { AuthService } from './modules/auth/auth.service.js';
import { TokenService } from './modules/auth/tokens.js';
import { ExperimentsRepository } from './modules/experiments/experiments.repository.js';
import { ExperimentsService } from './modules/experiments/experiments.service.js';
import { ExperimentStatsService } from './modules/experiments/experiment-stats.service.js';
import { ExportsRepository } from './modules/exports/exports.repository.js';
import { ExportsService } from './modules/exports/exports.service.js';
import { ComparisonService } from './modules/metrics/comparison.service.js';
import { RescoreService } from './modules/metrics/rescore.service.js';
import { MetricsRepository } from './modules/metrics/metrics.repository.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { QualityEngines } from './modules/metrics/quality-engines.js';
import { ScoringService } from './modules/metrics/scoring.service.js';
import { ModelsService } from './modules/models/models.service.js';
import { GenerationService } from './modules/responses/generation.service.js';
import { ResponsesRepository } from './modules/responses/responses.repository.js';
import { ResponsesService } from './modules/responses/responses.service.js';
import { HealthService, type LlmStatus } from './modules/system/health.service.js';
import { EmailSender } from './notifications/email.js';
import { Notifier } from './notifications/notifier.js';
import { WebhookSender } from './notifications/webhook.js';
import { createEventBus, type EventBus } from './realtime/event-bus.js';
import type { ChannelKind } from './realtime/events.js';
import type { WsAuth } from './realtime/ws-handshake.js';
import { SystemRepository } from './modules/system/system.repository.js';

/** Every service the HTTP layer (and later the worker) calls; built once per process. */
export interface Services {
  auth: AuthService;
  experiments: ExperimentsService;
  experimentStats: ExperimentStatsService;
  generation: GenerationService;
  scoring: ScoringService;
  metrics: MetricsService;
  comparison: ComparisonService;
  rescore: RescoreService;
  responses: ResponsesService;
  models: ModelsService;
  health: HealthService;
  batches: BatchExperimentsService;
  batchControl: BatchControlService;
  /** Datasets, imports, prompt suggestions and dataset runs. */
  datasets: DatasetServices;
  /** Dashboard, parameter and model analytics, cached and invalidated by domain events. */
  analytics: AnalyticsService;
  /** File exports (JSON, CSV, XLSX, zip), streamed page by page. */
  exports: ExportsService;
  /** Prometheus metrics of this process (GET /metrics), in a registry of its own. */
  telemetry: AppMetrics;
  /** The audit trail of data changes (written after audited routes succeed). */
  audit: AuditService;
  /** Runs batch cells; called by the `generate-cell` job handler. */
  batchRunner: BatchRunner;
  /** The job queue (BullMQ when REDIS_URL is set, in-process otherwise). */
  jobs: JobQueue;
  registry: ProviderRegistry;
  connections: ReturnType<typeof createConnectionTracker>;
  /** Domain events for WebSocket watchers (Redis pub/sub across processes when configured). */
  events: EventBus;
  /** Whether a WebSocket user may watch this experiment or batch (owner or admin). */
  canWatch(auth: WsAuth, kind: ChannelKind, id: number): Promise<boolean>;
  redis?: Redis;
  /** Releases what the services opened (jobs first, then Redis); the database is closed by its owner. */
  close(): Promise<void>;
}

export interface ServiceDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Replace adapters (tests point them at loopback servers). */
  providers?: Partial<Record<ProviderId, LlmProvider>>;
}

const LLM_STATUS_TTL_MS = 60_000;

/**
 * Health's `llm_service`: the default provider's state. A real provider is probed at most
 * once a minute so health checks never spend tokens or wait on a slow API.
 */
function llmStatusProbe(registry: ProviderRegistry): () => Promise<LlmStatus> {
  let cached: { at: number; status: LlmStatus } | undefined;
  return async () => {
    const provider = registry.get(registry.defaults.provider);
    const mockMode = provider.id === 'mock';
    if (mockMode) return { service: 'Connected', mockMode };
    if (!provider.configured) return { service: 'Not configured', mockMode };
    if (cached && Date.now() - cached.at < LLM_STATUS_TTL_MS) return cached.status;
    const ok = await provider
      .testConnection(AbortSignal.timeout(2000))
      .then((r) => r.ok)
      .catch(() => false);
    cached = { at: Date.now(), status: { service: ok ? 'Connected' : 'Disconnected', mockMode } };
    return cached.status;
  };
}

/** The composition root: repositories and services wired from config and the database. */
export function buildServices(deps: ServiceDeps): Services {
  const { config, db, logger } = deps;
  const redis = config.redisUrl ? createRedisClient(config.redisUrl, logger) : undefined;
  const users = new UsersRepository(db);
  const experimentsRepo = new ExperimentsRepository(db);
  const responsesRepo = new ResponsesRepository(db);
  const metrics = new AppMetrics();
  // Every provider answer (generation, batch cells, judge) counts its tokens and cost once.
  const registry = ProviderRegistry.fromConfig(config, deps.providers, (provider, catalog) =>
    metrics.meterProvider(provider, (id, model, usage) => catalog.cost(id, model, usage)),
  );
  const cache: ResponseCache = redis
    ? new RedisResponseCache(redis, config.llm.responseCacheTtlSeconds, (err) =>
        logger.warn({ err }, 'response cache unavailable'),
      )
    : new MemoryResponseCache(config.llm.responseCacheTtlSeconds);
  const connections = createConnectionTracker();
  // The channel follows QUEUE_PREFIX, so deployments sharing one Redis never see each other's
  // events (their ids come from different databases).
  const events = createEventBus({
    redisUrl: config.redisUrl,
    logger,
    channel: `${config.jobs.prefix}:events`,
  });
  const engines = new QualityEngines(registry, config.quality);
  const scoring = new ScoringService(
    engines,
    new MetricsRepository(db),
    logger,
    config.quality.autoScore,
  );
  // Job runs are timed by queue; the queue's depth is read at each scrape.
  const jobs = metrics.timeJobs(
    createJobQueue({
      redisUrl: config.redisUrl,
      prefix: config.jobs.prefix,
      logger: logger.child({ component: 'jobs' }),
      bullmq: {
        lockDurationMs: config.jobs.lockMs,
        stalledIntervalMs: config.jobs.stalledIntervalMs,
      },
    }),
  );
  metrics.watchQueue(jobs);
  const notifyLogger = logger.child({ component: 'notifications' });
  const n = config.notifications;
  const email = n.smtp ? new EmailSender(n.smtp.url, n.smtp.from) : undefined;
  const notifier = new Notifier(
    new WebhookSender(
      {
        secret: n.webhookSecret,
        maxAttempts: n.webhookMaxAttempts,
        retryBaseMs: n.webhookRetryBaseMs,
        timeoutMs: n.webhookTimeoutMs,
      },
      notifyLogger,
    ),
    email,
    notifyLogger,
  );
  const batchesRepo = new BatchExperimentsRepository(db);
  // Same pattern as the response cache: Redis shared by every process when configured.
  const analyticsCache = new AnalyticsCache(
    redis
      ? // Under the deployment's Redis prefix, so installs (and test runs) sharing a Redis stay apart.
        new RedisCache(redis, `${config.jobs.prefix}:cache:`, (err) =>
          logger.warn({ err }, 'analytics cache unavailable'),
        )
      : new MemoryCache(),
    config.analytics.cacheTtlSeconds,
  );
  const stopAnalyticsInvalidation = analyticsCache.invalidateOn(events);
  const batchRunner = new BatchRunner(
    batchesRepo,
    experimentsRepo,
    new CellStore(db, batchesRepo, new MetricsRepository(db)),
    registry,
    scoring,
    events,
    jobs,
    logger.child({ component: 'batch' }),
    notifier,
  );
  const batches = new BatchExperimentsService(batchesRepo, experimentsRepo, registry, batchRunner, {
    maxCells: config.batch.maxCells,
    concurrency: Math.min(config.jobs.concurrency, config.llm.concurrency),
    emailEnabled: email !== undefined,
    // Before any response of the model was measured: the mock's simulated latency for an
    // expected ~300-token answer, or a typical hosted-API round trip.
    fallbackSecondsPerCell: (provider) =>
      provider === 'mock' ? (config.llm.mock.latencyMsPer100Tokens * 3) / 1000 + 0.01 : 5,
  });

  return {
    auth: new AuthService(users, new TokenService(config.jwt.secret, config.jwt.expiresInSeconds)),
    experiments: new ExperimentsService(experimentsRepo, users, registry.defaults),
    experimentStats: new ExperimentStatsService(experimentsRepo, responsesRepo),
    generation: new GenerationService(
      experimentsRepo,
      responsesRepo,
      registry,
      cache,
      logger,
      scoring,
      events,
    ),
    scoring,
    metrics: new MetricsService(scoring, new MetricsRepository(db), responsesRepo),
    comparison: new ComparisonService(responsesRepo, scoring),
    rescore: new RescoreService(experimentsRepo, responsesRepo, scoring, jobs, events),
    responses: new ResponsesService(responsesRepo, experimentsRepo),
    models: new ModelsService(registry, users),
    health: new HealthService(
      new SystemRepository(db),
      { version: config.version, environment: config.env },
      llmStatusProbe(registry),
      connections.count,
      logger,
      redis ? () => (redis.status === 'ready' ? 'Connected' : 'Disconnected') : undefined,
    ),
    batches,
    batchControl: new BatchControlService(batchesRepo, batches, batchRunner),
    datasets: buildDatasetServices(db, batches, { maxCells: config.batch.maxCells }),
    analytics: new AnalyticsService(
      new AnalyticsRepository(db),
      new DashboardRepository(db),
      analyticsCache,
    ),
    telemetry: metrics,
    audit: new AuditService(new AuditRepository(db), logger.child({ component: 'audit' })),
    exports: new ExportsService(new ExportsRepository(db), batches, batchesRepo),
    batchRunner,
    jobs,
    registry,
    connections,
    events,
    canWatch: async (auth, kind, id) => {
      const scope = { userId: auth.userId, isAdmin: auth.role === 'admin' };
      return kind === 'batch' ? batchesRepo.exists(scope, id) : experimentsRepo.exists(scope, id);
    },
    ...(redis ? { redis } : {}),
    close: async () => {
      stopAnalyticsInvalidation();
      await jobs.close();
      await engines.close(); // after the jobs: running cells finish their scoring first
      await events.close();
      email?.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
