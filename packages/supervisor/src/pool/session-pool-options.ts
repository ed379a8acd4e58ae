import type { Logger } from '@llm-gateway/shared';
import type { SessionBackend } from '@llm-gateway/backends';
// A type import for the {@link} references only: no cycle at run time.
import type { SessionPool } from './session-pool.ts';

/**
 * The knobs of a {@link SessionPool}, each with its environment variable and default. Kept apart
 * from the pool, defaults included ({@link poolSettings}), so its file is about a session's life.
 */
export interface SessionPoolOptions {
  backend: SessionBackend;
  /** Warm sessions kept ready (`LLM_POOL_SIZE`). @defaultValue 2 */
  size?: number;
  /** Cold sessions started when every warm one is busy (`LLM_MAX_OVERFLOW`). @defaultValue 2 */
  maxOverflow?: number;
  /** How often idle sessions are proven alive; 0 turns it off. @defaultValue 300_000 */
  keepAliveIntervalMs?: number;
  /** Requests a session serves before it is replaced. @defaultValue 100 */
  sessionMaxRequests?: number;
  /** @defaultValue `local` */
  supervisorId?: string;
  /** A session not ready within this is given up. @defaultValue 30_000 */
  startTimeoutMs?: number;
  /** Bounds a reset and a keep-alive ping. @defaultValue 10_000 */
  checkTimeoutMs?: number;
  /** First delay before restarting after a failure; doubles up to `maxMs`. @defaultValue 1_000 / 60_000 */
  restartBackoff?: { initialMs: number; maxMs: number };
  /**
   * How long a turn that ended in tool calls stays parked for the client's results
   * (`LLM_TOOL_RESULT_TIMEOUT`); 0 parks nothing (every follow-up is served from its history).
   * @defaultValue 60_000
   */
  toolResultTimeoutMs?: number;
  log?: Logger;
  /** Called after any session changes status (metrics, cluster registry). */
  onChange?: () => void;
  /** Told when a turn parks (announced before the client sees its answer) and when it stops being parked. */
  onParkChange?: (change: ParkChange) => void;
}

/**
 * A turn that waits for the client's tool results, by the ids of its calls: `parked` for `ttlMs`
 * at most, or `released` (claimed by its follow-up, expired, or its session gone).
 */
export type ParkChange = { kind: 'parked'; callIds: readonly string[]; ttlMs: number } | { kind: 'released'; callIds: readonly string[] };

/** The options of a {@link SessionPool} with every default filled in. */
export type PoolSettings = Required<Omit<SessionPoolOptions, 'backend' | 'log' | 'onChange' | 'onParkChange'>>;

/** Fills in the defaults documented on {@link SessionPoolOptions}. */
export function poolSettings(options: SessionPoolOptions): PoolSettings {
  return {
    size: options.size ?? 2,
    maxOverflow: options.maxOverflow ?? 2,
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? 300_000,
    sessionMaxRequests: options.sessionMaxRequests ?? 100,
    supervisorId: options.supervisorId ?? 'local',
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    checkTimeoutMs: options.checkTimeoutMs ?? 10_000,
    restartBackoff: options.restartBackoff ?? { initialMs: 1_000, maxMs: 60_000 },
    toolResultTimeoutMs: options.toolResultTimeoutMs ?? 60_000,
  };
}

/** How {@link SessionPool.acquire} waits. */
export interface AcquireOptions {
  /**
   * Reject at once with `overloaded` instead of waiting when every session is busy, none is about
   * to come free and no overflow session may start: another backend can take the job.
   * @defaultValue false
   */
  failFastWhenExhausted?: boolean;
}

/**
 * How long a cancelled job's session may take to end its interrupted turn and reset. An interrupt
 * ends a turn within milliseconds; a session that ignores it is stuck, and recycling it sooner
 * frees its slot sooner.
 */
export const CANCELLED_RESET_TIMEOUT_MS = 2_000;
