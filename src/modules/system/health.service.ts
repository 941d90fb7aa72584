import type { Logger } from '../../lib/logger.js';
import type { SystemRepository, SystemStatistics } from './system.repository.js';

/** How the LLM side looks right now; supplied by the provider layer. */
export interface LlmStatus {
  /** "Connected", "Not configured", "Disconnected"… as the spec's health shows it. */
  service: string;
  mockMode: boolean;
}

export interface HealthReport {
  status: 'OK' | 'DEGRADED';
  message: string;
  timestamp: string;
  version: string;
  services: { database: 'Connected' | 'Disconnected'; llm_service: string; mock_mode: boolean };
  statistics: SystemStatistics & { active_connections: number };
  environment: string;
}

const DB_PROBE_TIMEOUT_MS = 3000;

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
  ) {}

  /** A real check: one live query for the database and real counts for the statistics. */
  async report(): Promise<HealthReport> {
    const [stats, llm] = await Promise.all([
      withTimeout(this.system.statistics(), DB_PROBE_TIMEOUT_MS).catch((err: unknown) => {
        this.logger.warn({ err }, 'health: database unreachable');
        return undefined;
      }),
      this.llmStatus(),
    ]);
    const ok = stats !== undefined;
    return {
      status: ok ? 'OK' : 'DEGRADED',
      message: ok
        ? 'LLM Response Quality Analyzer API is running'
        : 'LLM Response Quality Analyzer API is running, but the database is unreachable',
      timestamp: new Date().toISOString(),
      version: this.info.version,
      services: {
        database: ok ? 'Connected' : 'Disconnected',
        llm_service: llm.service,
        mock_mode: llm.mockMode,
      },
      statistics: {
        ...(stats ?? { total_experiments: 0, total_responses: 0, avg_quality_score: null }),
        active_connections: this.activeConnections(),
      },
      environment: this.info.environment,
    };
  }
}
