import { z } from 'zod';
import { parseDurationSeconds } from './duration.js';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected ${what}`)
    .positive(`expected ${what}`);

/** Every environment variable the service reads, with its default. Documented in .env.example. */
export const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], {
      error: 'expected development, test or production',
    })
    .default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  TRUST_PROXY: z.string().default('false'),

  DATABASE_URL: z.string().min(1).optional(),
  DB_DIALECT: z.string().optional(),
  DB_HOST: z.string().default('localhost'),
  DB_PORT: port.optional(),
  DB_NAME: z.string().default('llm_analyzer'),
  DB_USER: z.string().optional(),
  DB_PASSWORD: z.string().optional(),
  DB_STORAGE: z.string().default('./data/llm-analyzer.sqlite'),
  DB_POOL_MAX: positiveInt('a positive whole number').default(10),
  DB_LOGGING: booleanString.default(false),

  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a URL starting with redis:// or rediss://')
    .optional(),

  JWT_SECRET: z.string().optional(),
  JWT_EXPIRES_IN: z
    .string()
    .default('24h')
    .transform((v, ctx) => {
      const seconds = parseDurationSeconds(v);
      if (seconds === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected seconds or a duration such as 30m, 24h, 7d',
        });
        return z.NEVER;
      }
      return seconds;
    }),

  CORS_ORIGIN: z.string().default('*'),

  RATE_LIMIT_ENABLED: booleanString.default(true),
  RATE_LIMIT_WINDOW_MS: positiveInt('milliseconds as a positive whole number').default(900_000),
  RATE_LIMIT_MAX: positiveInt('a positive whole number of requests').default(100),
  RATE_LIMIT_USER_MAX: positiveInt('a positive whole number of requests').default(1000),

  LLM_DEFAULT_PROVIDER: z
    .enum(['mock', 'openai', 'anthropic', 'ollama'], {
      error: 'expected mock, openai, anthropic or ollama',
    })
    .default('mock'),
  LLM_DEFAULT_MODEL: z.string().min(1).default('mock-balanced'),
  LLM_TIMEOUT_MS: positiveInt('milliseconds as a positive whole number').default(60_000),
  LLM_MAX_RETRIES: z.coerce
    .number({ error: 'expected a whole number from 0 to 10' })
    .int('expected a whole number from 0 to 10')
    .min(0, 'expected a whole number from 0 to 10')
    .max(10, 'expected a whole number from 0 to 10')
    .default(3),
  LLM_CONCURRENCY: positiveInt('a positive whole number of parallel calls per provider').default(4),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.url({ error: 'expected a URL such as http://127.0.0.1:8000/v1' }).optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.url({ error: 'expected a URL' }).optional(),
  ANTHROPIC_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an API version date such as 2023-06-01')
    .optional(),
  OLLAMA_HOST: z.url({ error: 'expected a URL such as http://127.0.0.1:11434' }).optional(),
  MOCK_LATENCY_MS: z.coerce
    .number({ error: 'expected milliseconds per 100 tokens (0 or more)' })
    .min(0, 'expected milliseconds per 100 tokens (0 or more)')
    .default(25),
  MOCK_FAILURE_RATE: z.coerce
    .number({ error: 'expected a fraction between 0 and 1' })
    .min(0, 'expected a fraction between 0 and 1')
    .max(1, 'expected a fraction between 0 and 1')
    .default(0),
  PRICING_FILE: z.string().optional(),
  RESPONSE_CACHE_TTL_SECONDS: positiveInt('seconds as a positive whole number').default(86_400),
  ANALYTICS_CACHE_TTL_SECONDS: positiveInt('seconds as a positive whole number').default(60),
  QUALITY_METHOD: z
    .enum(['heuristic', 'llm_judge', 'hybrid'], {
      error: 'expected heuristic, llm_judge or hybrid',
    })
    .default('heuristic'),
  QUALITY_AUTO_SCORE: booleanString.default(true),
  QUALITY_THREADS: z.coerce
    .number({ error: 'a whole number of threads from 0 to 32' })
    .int('a whole number of threads from 0 to 32')
    .min(0, 'a whole number of threads from 0 to 32')
    .max(32, 'a whole number of threads from 0 to 32')
    .optional(),
  QUALITY_JUDGE_PROVIDER: z
    .enum(['mock', 'openai', 'anthropic', 'ollama'], {
      error: 'expected mock, openai, anthropic or ollama',
    })
    .optional(),
  QUALITY_JUDGE_MODEL: z.string().min(1).optional(),
  QUALITY_JUDGE_SAMPLES: z.coerce
    .number({ error: 'expected a whole number from 1 to 10' })
    .int('expected a whole number from 1 to 10')
    .min(1, 'expected a whole number from 1 to 10')
    .max(10, 'expected a whole number from 1 to 10')
    .default(1),
  QUALITY_WEIGHTS: z
    .string()
    .transform((v, ctx) => {
      try {
        const parsed: unknown = JSON.parse(v);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          const entries = Object.entries(parsed as Record<string, unknown>);
          if (entries.every(([, w]) => typeof w === 'number' && w >= 0)) {
            return Object.fromEntries(entries) as Record<string, number>;
          }
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message: 'expected a JSON object of non-negative weights, e.g. {"relevance":2}',
      });
      return z.NEVER;
    })
    .optional(),
  BATCH_MAX_CELLS: positiveInt('a positive whole number of combinations × iterations').default(
    1000,
  ),
  BATCH_RATE_LIMIT_MAX: positiveInt('a positive whole number of batch creations').default(5),
  BATCH_RATE_LIMIT_WINDOW_MS: positiveInt('milliseconds as a positive whole number').default(
    3_600_000,
  ),
  WORKERS_IN_API: booleanString.default(true),
  WORKER_CONCURRENCY: positiveInt('a positive whole number of parallel jobs').default(8),
  JOBS_LOCK_MS: positiveInt('milliseconds as a positive whole number').default(30_000),
  JOBS_STALLED_INTERVAL_MS: positiveInt('milliseconds as a positive whole number').default(30_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _')
    .default('lqa'),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  WEBHOOK_MAX_ATTEMPTS: positiveInt('a positive whole number of attempts').default(3),
  WEBHOOK_RETRY_BASE_MS: positiveInt('milliseconds as a positive whole number').default(500),
  WEBHOOK_TIMEOUT_MS: positiveInt('milliseconds as a positive whole number').default(10_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected a URL starting with smtp:// or smtps://')
    .optional(),
  SMTP_FROM: z.string().min(1).optional(),
  EXPORT_RATE_LIMIT_PER_HOUR: positiveInt('a positive whole number of exports').default(20),
  GENERATION_RATE_LIMIT_MAX: positiveInt('a positive whole number of requests').default(10),
  GENERATION_RATE_LIMIT_WINDOW_MS: positiveInt('milliseconds as a positive whole number').default(
    60_000,
  ),
  METRICS_TOKEN: z
    .string()
    .min(16, 'expected at least 16 characters (a random secret for the Prometheus scraper)')
    .optional(),
  /** A standalone worker serves GET /metrics on this port (off when unset). */
  WORKER_METRICS_PORT: port.optional(),
});

export type Env = z.infer<typeof EnvSchema>;
