import type { Redis } from 'ioredis';
import { trailingToolMessages, type CompletionJob } from '@llm-gateway/shared';
import { encodeDirectedJob, type RedisKeys } from '@llm-gateway/shared/redis';

/** Where a job went: the shared queue, or the list of the supervisor holding its parked turn. */
export type JobTarget = { kind: 'shared' } | { kind: 'direct'; holder: string; entry: string };

export const SHARED_TARGET: JobTarget = { kind: 'shared' };

export interface ParkedTurnRoutingOptions {
  redis: Redis;
  keys: RedisKeys;
  /** Whether a supervisor is alive (the registry, as last sampled). */
  isAlive: (supervisorId: string) => boolean;
}

/**
 * Sends a follow-up whose trailing `tool` messages answer a parked turn to the supervisor holding
 * that turn, so it resumes there instead of being served from its history elsewhere. The protocol
 * is in DESIGN.md ("Parked tool turns").
 */
export class ParkedTurnRouting {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #isAlive: (supervisorId: string) => boolean;

  constructor(options: ParkedTurnRoutingOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#isAlive = options.isAlive;
  }

  /**
   * The live supervisor holding the turn this job's tool results answer, or undefined (no tool
   * results, no such turn, its holder gone, Redis trouble: the job goes to the shared queue).
   * The pool claims a turn by the first answered call; so is it looked up here.
   */
  async holderOf(job: CompletionJob): Promise<string | undefined> {
    const first = trailingToolMessages(job.request)[0];
    if (first === undefined) return undefined;
    let holder: string | null;
    try {
      holder = await this.#redis.get(this.#keys.parkedCall(first.toolCallId));
    } catch {
      return undefined;
    }
    return holder !== null && this.#isAlive(holder) ? holder : undefined;
  }

  /** Pushes the job on the holder's list; the list lives until the job's deadline at least. */
  async send(holder: string, channel: string, job: CompletionJob): Promise<JobTarget> {
    const entry = encodeDirectedJob({ channel, job });
    const key = this.#keys.directQueue(holder);
    await this.#redis
      .multi()
      .lpush(key, entry)
      .pexpire(key, Math.max(1_000, job.deadline - Date.now() + 1_000))
      .exec();
    return { kind: 'direct', holder, entry };
  }

  /** Takes a job off its holder's list if it is still there (the holder died, or the client left). */
  withdraw(target: JobTarget): void {
    if (target.kind === 'direct') this.#redis.lrem(this.#keys.directQueue(target.holder), 1, target.entry).catch(() => {});
  }
}
