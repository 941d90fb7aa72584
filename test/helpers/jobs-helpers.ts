import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { BullmqJobQueue } from '../../src/jobs/bullmq-queue.js';
import { InProcessJobQueue } from '../../src/jobs/in-process-queue.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';
import { createLogger } from '../../src/lib/logger.js';

export const testRedisUrl = process.env.TEST_REDIS_URL;
export const silentLogger = createLogger('silent');

/** A Redis key prefix unique to one test file run: `lqa-test-<name>-<random>`. */
export function uniquePrefix(name: string): string {
  return `lqa-test-${name}-${randomUUID().slice(0, 8)}`;
}

export interface QueueFactory {
  name: 'in-process' | 'bullmq';
  available: boolean;
  /** A fresh queue with short retry backoffs and close timeout (2 s unless overridden). */
  create(overrides?: { closeTimeoutMs?: number }): JobQueue;
  /** Removes what the queues made (BullMQ: obliterates every queue under the prefix). */
  cleanup(): Promise<void>;
}

/** Both implementations, for contract suites; BullMQ only when TEST_REDIS_URL is set. */
export function queueFactories(prefix: string): QueueFactory[] {
  return [
    {
      name: 'in-process',
      available: true,
      create: (overrides) =>
        new InProcessJobQueue({
          logger: silentLogger,
          retry: { backoffMs: 20 },
          closeTimeoutMs: 2_000,
          ...overrides,
        }),
      cleanup: async () => {},
    },
    {
      name: 'bullmq',
      available: Boolean(testRedisUrl),
      create: (overrides) =>
        new BullmqJobQueue({
          redisUrl: testRedisUrl!,
          prefix,
          logger: silentLogger,
          retry: { backoffMs: 20 },
          closeTimeoutMs: 2_000,
          ...overrides,
        }),
      cleanup: async () => {
        const cleaner = new BullmqJobQueue({
          redisUrl: testRedisUrl!,
          prefix,
          logger: silentLogger,
        });
        await cleaner.obliterate();
        await cleaner.close();
      },
    },
  ];
}

/** Deletes every key under `prefix` and returns how many there were (expected 0 after obliterate). */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(testRedisUrl!);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  } finally {
    await redis.quit();
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 8_000, intervalMs = 20, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
