import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEV_JWT_SECRET,
  defaultQualityThreads,
  loadConfig,
} from '../../src/config/index.js';
import { parseDurationSeconds } from '../../src/config/duration.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';

describe('loadConfig', () => {
  it('when nothing is configured, then it runs embedded: SQLite under ./data, port 3000, mock provider', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({
      dialect: 'sqlite',
      storage: './data/llm-analyzer.sqlite',
    });
    expect(config.llm).toMatchObject({
      defaultProvider: 'mock',
      defaultModel: 'mock-balanced',
      maxRetries: 3,
    });
    expect(config.jwt).toEqual({ secret: DEV_JWT_SECRET, expiresInSeconds: 86_400 });
    expect(config.corsOrigin).toBe('*');
    expect(config.rateLimit).toEqual({
      enabled: true,
      windowMs: 900_000,
      anonymousMax: 100,
      userMax: 1000,
    });
    expect(config.redisUrl).toBeUndefined();
    expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('when DATABASE_URL names PostgreSQL, then the dialect and URL are used', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/llm' });
    expect(config.database).toMatchObject({
      dialect: 'postgres',
      url: 'postgres://u:p@db:5432/llm',
    });
  });

  it('when DATABASE_URL says mariadb://, then it is spoken to through the MySQL dialect', () => {
    const config = loadConfig({ DATABASE_URL: 'mariadb://root@127.0.0.1:3306/llm' });
    expect(config.database).toMatchObject({
      dialect: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/llm',
    });
  });

  it("when only the spec's DB_* variables are set, then they build the connection", () => {
    const config = loadConfig({
      DB_DIALECT: 'mysql',
      DB_HOST: 'db.local',
      DB_NAME: 'llm_analyzer',
      DB_USER: 'me',
      DB_PASSWORD: 'secret',
    });
    expect(config.database).toMatchObject({
      dialect: 'mysql',
      host: 'db.local',
      port: 3306,
      name: 'llm_analyzer',
      user: 'me',
      password: 'secret',
    });
    expect(loadConfig({ DB_DIALECT: 'postgresql' }).database).toMatchObject({
      dialect: 'postgres',
      port: 5432,
    });
  });

  it('when a value is invalid, then the error names the variable, what is expected and what was given', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT: .*port.*\(got "abc"\)/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: expected one of/);
    expect(() => loadConfig({ DB_DIALECT: 'oracle' })).toThrow(
      /DB_DIALECT: expected sqlite, postgres, mysql or mariadb/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mongodb://x/y' })).toThrow(
      /DATABASE_URL: expected a URL starting with/,
    );
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(
      /REDIS_URL: expected a URL starting with redis:\/\//,
    );
    expect(() => loadConfig({ JWT_EXPIRES_IN: 'forever' })).toThrow(
      /JWT_EXPIRES_IN: expected seconds or a duration/,
    );
    expect(() => loadConfig({ RATE_LIMIT_MAX: '-1' })).toThrow(/RATE_LIMIT_MAX/);
  });

  it('when several values are invalid, then every one is reported at once', () => {
    try {
      loadConfig({ PORT: '99999', NODE_ENV: 'staging' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/NODE_ENV/);
    }
  });

  it('when NODE_ENV=production, then a missing, default or short JWT_SECRET refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(
      /JWT_SECRET/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(
      /at least 32/,
    );
    const ok = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
    expect(ok.jwt.secret).toBe('x'.repeat(40));
  });

  it('when a variable is an empty string, then it counts as unset and the default applies', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 3000, logLevel: 'info' });
  });

  it('when CORS_ORIGIN lists origins, then they are split and trimmed', () => {
    expect(loadConfig({ CORS_ORIGIN: 'https://a.example, https://b.example' }).corsOrigin).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('when booleans and numbers come as strings, then they are coerced', () => {
    const config = loadConfig({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_USER_MAX: '50',
      TRUST_PROXY: '1',
    });
    expect(config.rateLimit.enabled).toBe(false);
    expect(config.rateLimit.userMax).toBe(50);
    expect(config.trustProxy).toBe(1);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['86400', 86_400],
    ['30m', 1800],
    ['24h', 86_400],
    ['7d', 604_800],
    ['15s', 15],
    [3600, 3600],
  ])('when given %s, then it is %i seconds', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each(['', 'soon', '0', '-5m', '1w'])('when given %j, then it is rejected', (input) => {
    expect(parseDurationSeconds(input)).toBeUndefined();
  });
});

describe('parseDatabaseUrl', () => {
  it('when given SQLite forms, then storage is the path or memory', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.sqlite')).toEqual({
      dialect: 'sqlite',
      storage: './data/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///tmp/x.sqlite')).toEqual({
      dialect: 'sqlite',
      storage: '/tmp/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', storage: ':memory:' });
  });

  it('when the URL names no database, then it says so', () => {
    expect(parseDatabaseUrl('postgres://localhost:5432')).toEqual({
      error: 'the URL names no database (add /dbname after the host)',
    });
  });
});

describe('defaultQualityThreads', () => {
  it('when QUALITY_THREADS is unset, then one core scores on the main thread, two cores get one thread, more get cores − 2 up to 4', () => {
    expect([1, 2, 3, 4, 6, 8, 32].map(defaultQualityThreads)).toEqual([0, 1, 1, 2, 4, 4, 4]);
    expect(loadConfig({ QUALITY_THREADS: '0' }).quality.threads).toBe(0);
  });
});
