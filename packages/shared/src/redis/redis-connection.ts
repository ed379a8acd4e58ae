import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * How a connection behaves while Redis is away:
 * - `fail-fast`: commands fail at once, so a request gets a quick 503 instead of waiting in an
 *   offline queue (the API's producer and registry reads).
 * - `wait`: commands wait for Redis to come back and are sent in order then, as BullMQ's worker
 *   requires (`maxRetriesPerRequest: null`); a supervisor's replies use it too, so a terminal
 *   event published during a blip still arrives.
 * - `subscriber`: pub/sub only; the owner re-subscribes itself on every `ready`, so it knows
 *   exactly when messages can arrive again.
 */
export type RedisConnectionKind = 'fail-fast' | 'wait' | 'subscriber';

export interface CreateRedisConnectionOptions {
  kind: RedisConnectionKind;
  /** Shown in `CLIENT LIST` and in logs. */
  name: string;
  log?: Logger;
  /** Longest wait between reconnect attempts. @defaultValue 1_000 */
  maxReconnectDelayMs?: number;
  /** A `fail-fast` connection gives up on one command after this. @defaultValue 2_000 */
  commandTimeoutMs?: number;
}

/**
 * An ioredis connection that reconnects forever with a short capped backoff and never crashes the
 * process: `error` events are logged once per outage (ioredis emits one per failed reconnect).
 * The caller owns it and must `disconnect()` it; BullMQ leaves connections it was given open.
 */
export function createRedisConnection(url: string, options: CreateRedisConnectionOptions): Redis {
  const { kind, name, log, maxReconnectDelayMs = 1_000, commandTimeoutMs = 2_000 } = options;
  const redis = new Redis(url, {
    connectionName: name,
    // A restarted Redis should be found again within about a second.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), maxReconnectDelayMs),
    enableOfflineQueue: kind !== 'fail-fast',
    maxRetriesPerRequest: kind === 'wait' ? null : 1,
    ...(kind === 'fail-fast' ? { commandTimeout: commandTimeoutMs } : {}),
    autoResubscribe: false,
    // RESP2 keeps replies as BullMQ's scripts expect them on every server version.
    protocol: 2,
  });
  let outage = false;
  redis.on('error', (error: Error) => {
    if (outage) return;
    outage = true;
    log?.warn({ connection: name, error: error.message }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!outage) return;
    outage = false;
    log?.info({ connection: name }, 'redis connection restored');
  });
  return redis;
}

/** Closes a connection without waiting for Redis (which may be gone). */
export async function closeRedisConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  redis.disconnect(false);
  await Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]);
}
