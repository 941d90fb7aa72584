import type { Logger } from '../../lib/logger.js';
import type { SystemRepository, SystemStatistics } from './system.repository.js';

/** How the LLM side looks right now; supplied by the provider layer. */
export interface LlmStatus {
  /** "Connected", "Not configured", "Disconnected"… as the spec's health shows it. */
  service: string;
  mockMode: boolean;
}

export type RedisStatus = 'Connected' | 'Disconnected';

export interface HealthReport {
  status: 'OK' | 'DEGRADED';
  message: string;
  timestamp: string;
  version: string;
  services: {
    database: 'Connected' | 'Disconnected';
    llm_service: string;
    mock_mode: boolean;
    /** Present when REDIS_URL is set. Down: the API still serves (caches miss, jobs wait). */
    redis?: RedisStatus;
  };
  statistics: SystemStatistics & { active_connections: number };
  environment: string;
}

const DB_PROBE_TIMEOUT_MS = 3000;
/**
 * How long the statistics are reused. Counting every response and averaging every score takes
 * ~0.7 s at a million responses, far too slow for a health probe; the probe itself stays live.
 */
const STATISTICS_MAX_AGE_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class HealthService {
  constructor(
    private readonly system: SystemRepository,
    private readonly info: { version: string; environment: string },
    private readonly llmStatus: () => Promise<LlmStatus>,
    private readonly activeConnections: () => number,
    private readonly logger: Logger,
    /** Redis's state without a round trip (the client's own view); absent without Redis. */
    private readonly redisStatus?: () => RedisStatus,
  ) {}

  private cached: { stats: SystemStatistics; at: number } | undefined;
  private refreshing: Promise<SystemStatistics> | undefined;

  /** Recounts (one query at a time however many probes ask) and remembers the result. */
  private refresh(): Promise<SystemStatistics> {
    this.refreshing ??= this.system
      .statistics()
      .then((stats) => {
        this.cached = { stats, at: Date.now() };
        return stats;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /**
   * A real check: a live query for the database on every call; the statistics are counted on
   * the first call and then reused for up to 30 s, recounted in the background.
   */
  async report(): Promise<HealthReport> {
    const cached = this.cached;
    if (cached && Date.now() - cached.at > STATISTICS_MAX_AGE_MS) {
      void this.refresh().catch((err: unknown) =>
        this.logger.warn({ err }, 'health: statistics refresh failed'),
      );
    }
    const probe = cached ? this.system.ping().then(() => cached.stats) : this.refresh();
    const [stats, llm] = await Promise.all([
      withTimeout(probe, DB_PROBE_TIMEOUT_MS).catch((err: unknown) => {
        this.logger.warn({ err }, 'health: database unreachable');
        return undefined;
      }),
      this.llmStatus(),
    ]);
    const ok = stats !== undefined;
    const redis = this.redisStatus?.();
    const redisDown = redis === 'Disconnected';
    return {
      status: ok && !redisDown ? 'OK' : 'DEGRADED',
      message: !ok
        ? 'LLM Response Quality Analyzer API is running, but the database is unreachable'
        : redisDown
          ? 'LLM Response Quality Analyzer API is running, but Redis is unreachable (caches and queued jobs wait for it)'
          : 'LLM Response Quality Analyzer API is running',
      timestamp: new Date().toISOString(),
      version: this.info.version,
      services: {
        database: ok ? 'Connected' : 'Disconnected',
        llm_service: llm.service,
        mock_mode: llm.mockMode,
        ...(redis ? { redis } : {}),
      },
      statistics: {
        ...(stats ?? { total_experiments: 0, total_responses: 0, avg_quality_score: null }),
        active_connections: this.activeConnections(),
      },
      environment: this.info.environment,
    };
  }
}
