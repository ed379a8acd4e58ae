import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { RedisKeys, SupervisorRecord } from './protocol.ts';

/** A registry entry lives this many heartbeats: a dead supervisor vanishes within them. */
export const HEARTBEATS_TO_EXPIRY = 3;

export interface RegistryHeartbeatOptions {
  redis: Redis;
  keys: RedisKeys;
  intervalMs: number;
  /** The record to publish, built fresh on every beat. */
  record: () => SupervisorRecord;
  log?: Logger;
}

export interface RegistryHeartbeat {
  /** Publishes the record now. Never rejects: a missed beat is retried on the next one. */
  beat(): Promise<void>;
  /** Stops beating and removes the record, so the cluster forgets this supervisor at once. */
  stop(): Promise<void>;
}

/**
 * Keeps a supervisor's record in Redis under a key that expires after {@link HEARTBEATS_TO_EXPIRY}
 * heartbeats, so its sessions disappear from every API replica's view soon after it dies.
 */
export function startRegistryHeartbeat(options: RegistryHeartbeatOptions): RegistryHeartbeat {
  const { redis, keys, intervalMs, record, log } = options;
  const ttlMs = Math.max(1, Math.round(intervalMs * HEARTBEATS_TO_EXPIRY));
  let stopped = false;
  const beat = async () => {
    // Not queued while Redis is away: a stale record is worse than none, and `ready` beats again.
    if (stopped || redis.status !== 'ready') return;
    const current = record();
    try {
      await redis
        .pipeline()
        .set(keys.supervisorRecord(current.id), JSON.stringify(current), 'PX', ttlMs)
        .sadd(keys.supervisors, current.id)
        .exec();
    } catch (error) {
      log?.debug({ error: String(error) }, 'heartbeat missed');
    }
  };
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  void beat();
  return {
    beat,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      const id = record().id;
      try {
        await redis.pipeline().del(keys.supervisorRecord(id)).srem(keys.supervisors, id).exec();
      } catch (error) {
        log?.debug({ error: String(error) }, 'could not remove the registry record');
      }
    },
  };
}

/** Every live supervisor's record. Ids whose record has expired are pruned on the way. */
export async function readSupervisorRecords(redis: Redis, keys: RedisKeys): Promise<SupervisorRecord[]> {
  const ids = await redis.smembers(keys.supervisors);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => keys.supervisorRecord(id)));
  const records: SupervisorRecord[] = [];
  const expired: string[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      expired.push(ids[index]!);
      return;
    }
    try {
      records.push(JSON.parse(value) as SupervisorRecord);
    } catch {
      expired.push(ids[index]!);
    }
  });
  if (expired.length > 0) void redis.srem(keys.supervisors, ...expired).catch(() => {});
  return records.sort((a, b) => a.id.localeCompare(b.id));
}
