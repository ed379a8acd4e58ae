import type { Redis } from 'ioredis';
import { isCachedAnswer, type ResponseCache } from './response-cache.ts';

export interface RedisResponseCacheOptions {
  /** A connection the caller owns (and closes). */
  redis: Redis;
  /** `REDIS_PREFIX`. */
  prefix: string;
}

/**
 * The cache every API replica shares: one string per answer under
 * `<prefix>:cache:<tenant>:<key>`, expiring after the TTL (Redis evicts; no bookkeeping here).
 */
export function createRedisResponseCache(options: RedisResponseCacheOptions): ResponseCache {
  const { redis, prefix } = options;
  const slot = (tenant: string, key: string) => `${prefix}:cache:${tenant}:${key}`;
  return {
    async get(tenant, key) {
      const text = await redis.get(slot(tenant, key));
      if (text === null) return undefined;
      try {
        const value: unknown = JSON.parse(text);
        return isCachedAnswer(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    async set(tenant, key, answer, ttlSeconds) {
      const ttlMs = Math.round(ttlSeconds * 1000);
      if (ttlMs <= 0) return;
      await redis.set(slot(tenant, key), JSON.stringify(answer), 'PX', ttlMs);
    },
  };
}
