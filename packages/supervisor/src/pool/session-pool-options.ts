import type { Logger } from '@llm-gateway/shared';
import type { SessionBackend } from '@llm-gateway/backends';
// A type import for the {@link} references only: no cycle at run time.
import type { SessionPool } from './session-pool.ts';

/**
 * The knobs of a {@link SessionPool}, each with its environment variable and default. Kept apart
 * from the pool so its file is about behaviour; the defaults themselves sit in the pool's constructor.
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
