import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { z } from 'zod';
import { normaliseDialect, parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { EnvSchema } from './env.schema.js';

export type { DatabaseTarget, DbDialect } from './database-url.js';

/** A placeholder secret that lets development start; production refuses it. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-before-production';

/** Thrown when the environment is invalid; the message names each variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The typed, validated configuration every other module receives. */
export interface Config {
  env: 'development' | 'test' | 'production';
  version: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Express `trust proxy` setting: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  database: DatabaseTarget & { poolMax: number; logging: boolean };
  redisUrl?: string;
  jwt: { secret: string; expiresInSeconds: number };
  /** `'*'` or an explicit list of allowed origins. */
  corsOrigin: '*' | string[];
  rateLimit: {
    enabled: boolean;
    windowMs: number;
    /** Requests per window for a client that is not authenticated, counted per IP. */
    anonymousMax: number;
    /** Requests per window for an authenticated user, counted per user. */
    userMax: number;
  };
  quality: {
    /** Engine used for automatic scoring and when a request names none. */
    method: 'heuristic' | 'llm_judge' | 'hybrid';
    /** Score every completed response without being asked. */
    autoScore: boolean;
    /** Judge for llm_judge/hybrid; defaults to the default LLM provider and model. */
    judge: {
      provider?: 'mock' | 'openai' | 'anthropic' | 'ollama';
      model?: string;
      samples: number;
    };
    /** Overrides of the overall_quality weights, by dimension. */
    weights?: Record<string, number>;
    /** Worker threads for heuristic scoring; 0 scores on the calling thread. */
    threads: number;
  };
  /** The spec's per-user limit on response generation (10 / minute by default). */
  generationRateLimit: { windowMs: number; max: number };
  /** The spec's per-user limit on exports (EXPORT_RATE_LIMIT_PER_HOUR, 20 / hour by default). */
  exportRateLimit: { windowMs: number; max: number };
  /** Batch completion notifications (webhook and email). */
  notifications: {
    /** HMAC-SHA256 key of `X-LQA-Signature`; WEBHOOK_SECRET, else derived from JWT_SECRET. */
    webhookSecret: string;
    webhookMaxAttempts: number;
    /** First retry delay; doubled on each further attempt. */
    webhookRetryBaseMs: number;
    webhookTimeoutMs: number;
    /** Present only when SMTP_URL and SMTP_FROM are set: email notifications are available. */
    smtp?: { url: string; from: string };
  };
  batch: {
    /** Largest sweep (combinations × iterations) a batch may have. Default 1000. */
    maxCells: number;
    /** Batch creations per user per window (the spec's 5 / hour). */
    rateLimit: { windowMs: number; max: number };
  };
  jobs: {
    /** Whether API processes also work jobs (WORKERS_IN_API, default true). */
    workersInApi: boolean;
    /** Jobs run at once per process (WORKER_CONCURRENCY, default 8). */
    concurrency: number;
    /** BullMQ Redis key prefix (QUEUE_PREFIX, default `lqa`). */
    prefix: string;
    /**
     * BullMQ: lock of a running job (JOBS_LOCK_MS) and how often workers look for expired
     * locks (JOBS_STALLED_INTERVAL_MS), both 30 s by default — how soon the jobs of a killed
     * worker run again.
     */
    lockMs: number;
    stalledIntervalMs: number;
  };
  llm: {
    defaultProvider: 'mock' | 'openai' | 'anthropic' | 'ollama';
    defaultModel: string;
    /** Per attempt. */
    timeoutMs: number;
    maxRetries: number;
    /** Parallel calls per provider. */
    concurrency: number;
    openai: { apiKey?: string; baseUrl?: string };
    /** `apiVersion` pins the `anthropic-version` header (older versions accept temperature). */
    anthropic: { apiKey?: string; baseUrl?: string; apiVersion?: string };
    ollama: { host?: string };
    mock: { latencyMsPer100Tokens: number; failureRate: number };
    /** Operator's model catalogue / price list merged over the shipped one. */
    pricingFile?: string;
    responseCacheTtlSeconds: number;
  };
  /** Lifetime of cached analytics results (ANALYTICS_CACHE_TTL_SECONDS, default 60). */
  analytics: { cacheTtlSeconds: number };
  /** Bearer token that may read GET /metrics besides admins (METRICS_TOKEN); unset: admins only. */
  metricsToken?: string;
  /** Port of a standalone worker's GET /metrics (WORKER_METRICS_PORT); unset: none. */
  workerMetricsPort?: number;
}

/** Keeps only the keys whose value is set, so optional fields stay absent rather than undefined. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function readPackageVersion(): string {
  const pkgUrl = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string }).version;
}

function formatIssues(issues: z.core.$ZodIssue[], env: Record<string, string | undefined>): string {
  return issues
    .map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = env[name];
      return `  ${name}: ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`;
    })
    .join('\n');
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function resolveDatabase(env: z.infer<typeof EnvSchema>): DatabaseTarget | string {
  if (env.DATABASE_URL) {
    const parsed = parseDatabaseUrl(env.DATABASE_URL);
    return 'error' in parsed ? `  DATABASE_URL: ${parsed.error}` : parsed;
  }
  const dialect = env.DB_DIALECT ? normaliseDialect(env.DB_DIALECT) : 'sqlite';
  if (!dialect) {
    return `  DB_DIALECT: expected sqlite, postgres, mysql or mariadb (got "${env.DB_DIALECT}")`;
  }
  if (dialect === 'sqlite') return { dialect, storage: env.DB_STORAGE };
  return {
    dialect,
    host: env.DB_HOST,
    port: env.DB_PORT ?? (dialect === 'postgres' ? 5432 : 3306),
    name: env.DB_NAME,
    user: env.DB_USER,
    password: env.DB_PASSWORD,
  };
}

/**
 * Validates an environment (normally `process.env`) into a {@link Config}.
 * @throws ConfigError listing every invalid variable.
 */
/**
 * Scoring threads when QUALITY_THREADS is unset: one on a 2-core machine (measured on a
 * 1,000-cell sweep: 145–176 cells/s with one thread against 122–144 with none, and 136–148
 * with two), cores − 2 above that (the main thread and the database driver keep a core
 * each), at most 4, none on one core.
 */
export function defaultQualityThreads(cores: number): number {
  if (cores < 2) return 0;
  return Math.min(4, Math.max(1, cores - 2));
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset" so that a blank line in .env does not defeat a default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration:\n${formatIssues(result.error.issues, env)}`);
  }
  const e = result.data;
  const problems: string[] = [];

  const database = resolveDatabase(e);
  if (typeof database === 'string') problems.push(database);

  const secret = e.JWT_SECRET ?? DEV_JWT_SECRET;
  if (e.NODE_ENV === 'production') {
    if (!e.JWT_SECRET || e.JWT_SECRET === DEV_JWT_SECRET) {
      problems.push('  JWT_SECRET: must be set to your own secret when NODE_ENV=production');
    } else if (e.JWT_SECRET.length < 32) {
      problems.push('  JWT_SECRET: expected at least 32 characters when NODE_ENV=production');
    }
  }
  if (e.SMTP_URL && !e.SMTP_FROM) {
    problems.push('  SMTP_FROM: must be set (the sender address) when SMTP_URL is set');
  }
  if (problems.length > 0 || typeof database === 'string') {
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }

  return {
    env: e.NODE_ENV,
    version: readPackageVersion(),
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    database: { ...database, poolMax: e.DB_POOL_MAX, logging: e.DB_LOGGING },
    ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
    jwt: { secret, expiresInSeconds: e.JWT_EXPIRES_IN },
    corsOrigin:
      e.CORS_ORIGIN.trim() === '*'
        ? '*'
        : e.CORS_ORIGIN.split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED,
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      anonymousMax: e.RATE_LIMIT_MAX,
      userMax: e.RATE_LIMIT_USER_MAX,
    },
    quality: {
      method: e.QUALITY_METHOD,
      autoScore: e.QUALITY_AUTO_SCORE,
      judge: {
        ...defined({ provider: e.QUALITY_JUDGE_PROVIDER, model: e.QUALITY_JUDGE_MODEL }),
        samples: e.QUALITY_JUDGE_SAMPLES,
      },
      ...defined({ weights: e.QUALITY_WEIGHTS }),
      // Two cores stay with the main thread (HTTP, queue, database client) and the database
      // (SQLite's thread, or a local server): on 2 cores a scoring thread only competes with
      // them (bench:batch-sweep measured 158 cells/s without one, 135 with one).
      threads: e.QUALITY_THREADS ?? defaultQualityThreads(availableParallelism()),
    },
    generationRateLimit: {
      windowMs: e.GENERATION_RATE_LIMIT_WINDOW_MS,
      max: e.GENERATION_RATE_LIMIT_MAX,
    },
    exportRateLimit: { windowMs: 3_600_000, max: e.EXPORT_RATE_LIMIT_PER_HOUR },
    batch: {
      maxCells: e.BATCH_MAX_CELLS,
      rateLimit: { windowMs: e.BATCH_RATE_LIMIT_WINDOW_MS, max: e.BATCH_RATE_LIMIT_MAX },
    },
    jobs: {
      workersInApi: e.WORKERS_IN_API,
      concurrency: e.WORKER_CONCURRENCY,
      prefix: e.QUEUE_PREFIX,
      lockMs: e.JOBS_LOCK_MS,
      stalledIntervalMs: e.JOBS_STALLED_INTERVAL_MS,
    },
    notifications: {
      // Without WEBHOOK_SECRET the signing key is derived from JWT_SECRET (never the JWT key itself).
      webhookSecret:
        e.WEBHOOK_SECRET ??
        createHmac('sha256', secret).update('lqa-webhook-signing').digest('hex'),
      webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
      ...(e.SMTP_URL && e.SMTP_FROM ? { smtp: { url: e.SMTP_URL, from: e.SMTP_FROM } } : {}),
    },
    llm: {
      defaultProvider: e.LLM_DEFAULT_PROVIDER,
      defaultModel: e.LLM_DEFAULT_MODEL,
      timeoutMs: e.LLM_TIMEOUT_MS,
      maxRetries: e.LLM_MAX_RETRIES,
      concurrency: e.LLM_CONCURRENCY,
      openai: defined({ apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL }),
      anthropic: defined({
        apiKey: e.ANTHROPIC_API_KEY,
        baseUrl: e.ANTHROPIC_BASE_URL,
        apiVersion: e.ANTHROPIC_API_VERSION,
      }),
      ollama: defined({ host: e.OLLAMA_HOST }),
      mock: { latencyMsPer100Tokens: e.MOCK_LATENCY_MS, failureRate: e.MOCK_FAILURE_RATE },
      ...defined({ pricingFile: e.PRICING_FILE }),
      responseCacheTtlSeconds: e.RESPONSE_CACHE_TTL_SECONDS,
    },
    analytics: { cacheTtlSeconds: e.ANALYTICS_CACHE_TTL_SECONDS },
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    ...defined({ workerMetricsPort: e.WORKER_METRICS_PORT }),
  };
}

/** Loads `.env` when present (never overriding real variables), then validates `process.env`. */
export async function loadConfigFromProcess(): Promise<Config> {
  const { config: loadDotenv } = await import('dotenv');
  loadDotenv({ quiet: true });
  return loadConfig(process.env);
}
