import type { Config, Logger } from '@llm-gateway/shared';
import { closeRedisConnection, createRedisConnection } from '@llm-gateway/supervisor';
import { createRedisResponseStore } from './redis-response-store.ts';
import { createMemoryResponseStore, type ResponseStore } from './response-store.ts';

/** A response store and what closing it takes. */
export interface ConfiguredResponseStore {
  store: ResponseStore;
  close(): Promise<void>;
}

/**
 * The store `config` asks for: in Redis when `REDIS_URL` is set, so every API replica continues
 * every tenant's conversations, else in this process's memory. Its own fail-fast connection: while
 * Redis is away, `previous_response_id` is a 503 at once and answers are not kept.
 */
export function configuredResponseStore(config: Config, log: Logger): ConfiguredResponseStore {
  const bounds = { maxEntries: config.responseStoreEntries, ttlSeconds: config.responseStoreTtlSeconds };
  if (config.redisUrl === undefined || bounds.maxEntries <= 0) return { store: createMemoryResponseStore(bounds), close: async () => {} };
  const redis = createRedisConnection(config.redisUrl, { kind: 'fail-fast', name: 'api:responses', log, commandTimeoutMs: 1_000 });
  return {
    store: createRedisResponseStore({ redis, prefix: config.redisPrefix, ...bounds }),
    close: () => closeRedisConnection(redis),
  };
}
