import { isAssignable } from '../session/session-state.ts';
import type { PooledSession } from './pooled-session.ts';

/**
 * Lookups and counts over the pool's sessions: which one is free, which are live, whether an
 * overflow session may start, which failed records to forget. The pool decides what to do; these
 * only read its map (pruning aside), so the rules for counting sit together and are not repeated.
 * The same plain loops over `Map.values()` the pool ran inline: `findReady` is on every job's path.
 */

/** A session that serves, or soon will: not failed, stopping or stopped. */
export function isLive(entry: PooledSession): boolean {
  return entry.status === 'starting' || entry.status === 'ready' || entry.status === 'busy' || entry.status === 'parked' || entry.status === 'resetting';
}

/** A session that can take a job now; one with a keep-alive ping in flight waits for its answer. */
export function findReady(sessions: ReadonlyMap<string, PooledSession>): PooledSession | undefined {
  for (const entry of sessions.values()) {
    if (isAssignable(entry.status) && !entry.pinging) return entry;
  }
  return undefined;
}

/** A session that has started and not gone: ready, busy or resetting. */
export function hasStarted(sessions: ReadonlyMap<string, PooledSession>): boolean {
  for (const entry of sessions.values()) if (isLive(entry) && entry.status !== 'starting') return true;
  return false;
}

export function hasLive(sessions: ReadonlyMap<string, PooledSession>): boolean {
  for (const entry of sessions.values()) if (isLive(entry)) return true;
  return false;
}

/** Live warm (not overflow) sessions: what the pool tops up to its size. */
export function countLiveWarm(sessions: ReadonlyMap<string, PooledSession>): number {
  let live = 0;
  for (const entry of sessions.values()) if (!entry.overflow && isLive(entry)) live += 1;
  return live;
}

/**
 * For `waiting` jobs: `covered` when at least as many sessions are about to come free (starting or
 * resetting), else `overflow-allowed` when one more overflow session may start (under
 * `maxOverflow` and the backend `healthy`), else `exhausted`: the jobs must wait for a busy session.
 */
export type OverflowOutlook = 'covered' | 'overflow-allowed' | 'exhausted';

export function overflowOutlook(
  sessions: ReadonlyMap<string, PooledSession>,
  waiting: number,
  maxOverflow: number,
  healthy: boolean,
): OverflowOutlook {
  let coming = 0;
  let overflow = 0;
  for (const entry of sessions.values()) {
    if (entry.status === 'starting' || entry.status === 'resetting') coming += 1;
    if (entry.overflow && isLive(entry)) overflow += 1;
  }
  if (coming >= waiting) return 'covered';
  return overflow < maxOverflow && healthy ? 'overflow-allowed' : 'exhausted';
}

/** Keeps only the newest `keep` failed entries visible: enough to say why, not a growing list. */
export function pruneFailed(sessions: Map<string, PooledSession>, keep: number): void {
  const failed = [...sessions.values()].filter((entry) => entry.status === 'failed');
  for (const entry of failed.slice(0, Math.max(0, failed.length - keep))) sessions.delete(entry.id);
}
