import type { Redis } from 'ioredis';
import type { Logger } from '@llm-gateway/shared';
import type { RedisKeys } from '@llm-gateway/shared/redis';
import type { ParkChange } from '../pool/session-pool-options.ts';

/**
 * Tells the cluster which tool calls wait on a turn parked here: `<prefix>:parked:<call id>` =
 * this supervisor's id, expiring with the park. An API replica reads it to send the follow-up here
 * (see `api/src/dispatch/redis/DESIGN.md`).
 *
 * Written on the connection that publishes the replies, at the moment the answer finishes and
 * before its terminal event is published: Redis runs one connection's commands in order, so the
 * key is there before the client can have the answer and send its follow-up.
 */
export class ParkedTurnRegistry {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #supervisorId: string;
  readonly #log: Logger | undefined;
  /** The calls announced and not released: removed on a clean shutdown. */
  readonly #held = new Set<string>();

  constructor(redis: Redis, keys: RedisKeys, supervisorId: string, log?: Logger) {
    this.#redis = redis;
    this.#keys = keys;
    this.#supervisorId = supervisorId;
    this.#log = log;
  }

  apply(change: ParkChange): void {
    const failed = (error: unknown) => this.#log?.debug({ error: String(error) }, 'could not update a parked-turn key');
    for (const callId of change.callIds) {
      const key = this.#keys.parkedCall(callId);
      if (change.kind === 'parked') {
        this.#held.add(callId);
        this.#redis.set(key, this.#supervisorId, 'PX', Math.max(1, change.ttlMs)).catch(failed);
      } else if (this.#held.delete(callId)) {
        this.#redis.del(key).catch(failed);
      }
    }
  }

  /** Forgets every turn held here (shutdown): their follow-ups go to any supervisor, from history. */
  async clear(): Promise<void> {
    if (this.#held.size === 0 || this.#redis.status !== 'ready') return;
    const keys = [...this.#held].map((callId) => this.#keys.parkedCall(callId));
    this.#held.clear();
    await this.#redis.del(...keys).catch(() => {});
  }
}
