import type { Redis } from 'ioredis';
import type { ChatMessage } from '@llm-gateway/shared';
import { MAX_STORED_BYTES, type ResponseStore, type ResponseStoreOptions } from './response-store.ts';

export interface RedisResponseStoreOptions extends ResponseStoreOptions {
  /** A connection the caller owns (and closes). */
  redis: Redis;
  /** `REDIS_PREFIX`. */
  prefix: string;
}

/**
 * The store every API replica shares (Redis mode): one string per conversation under
 * `<prefix>:responses:<tenant>:<id>`, expiring after the TTL, and per tenant a sorted set of the
 * ids by time, from which the oldest beyond `maxEntries` are dropped with their strings.
 */
export function createRedisResponseStore(options: RedisResponseStoreOptions): ResponseStore {
  const { redis, prefix, maxEntries = 100, ttlSeconds = 3600, maxBytes = MAX_STORED_BYTES } = options;
  const index = (tenant: string) => `${prefix}:responses:${tenant}`;
  const slot = (tenant: string, id: string) => `${prefix}:responses:${tenant}:${id}`;
  const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
  return {
    enabled: maxEntries > 0,
    async get(tenant, id) {
      const text = await redis.get(slot(tenant, id));
      if (text === null) return undefined;
      try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) ? (value as ChatMessage[]) : undefined;
      } catch {
        return undefined;
      }
    },
    async set(tenant, id, conversation) {
      if (maxEntries <= 0) return false;
      const json = JSON.stringify(conversation);
      if (json.length > maxBytes) return false;
      const now = Date.now();
      const results = await redis
        .multi()
        .set(slot(tenant, id), json, 'PX', ttlMs)
        .zadd(index(tenant), now, id)
        // Ids whose strings have expired would otherwise stay in the index for good.
        .zremrangebyscore(index(tenant), '-inf', now - ttlMs)
        .pexpire(index(tenant), ttlMs)
        .zcard(index(tenant))
        .exec();
      const size = Number(results?.at(-1)?.[1] ?? 0);
      if (size > maxEntries) {
        const dropped = (await redis.zpopmin(index(tenant), size - maxEntries)).filter((_, position) => position % 2 === 0);
        if (dropped.length > 0) await redis.del(...dropped.map((old) => slot(tenant, old)));
      }
      return true;
    },
  };
}
