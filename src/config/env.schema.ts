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

  LLM_DEFAULT_PROVIDER: z.string().min(1).default('mock'),
  LLM_DEFAULT_MODEL: z.string().min(1).default('mock-balanced'),
});

export type Env = z.infer<typeof EnvSchema>;
