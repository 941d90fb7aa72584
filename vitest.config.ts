import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'web/src/**/*.test.{ts,tsx}'],
    // Each integration file makes its own scratch databases and runs migrations in beforeAll.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    // Two cores: two files at a time keeps the database servers and argon2 from thrashing.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
