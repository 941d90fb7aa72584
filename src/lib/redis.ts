import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A Redis client for request-path use (cache, rate limits): it fails fast while Redis is down
 * (no offline queue, one retry per command) instead of stalling requests.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    connectionName: 'lqa-api',
  });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  return client;
}
