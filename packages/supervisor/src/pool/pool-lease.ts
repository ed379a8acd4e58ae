import type { BackendSession } from '@llm-gateway/backends';
import type { PooledSession } from './pooled-session.ts';

/**
 * How a job ended, for the session that ran it:
 * - `succeeded`: the answer finished;
 * - `cancelled`: stopped from outside (the client left, the deadline passed) while the backend was
 *   sound; the session was told to stop (the CLI's interrupt);
 * - `failed`: the backend failed or ended the answer unfinished.
 */
export type JobOutcome = 'succeeded' | 'cancelled' | 'failed';

/** A session handed to one job. Call `release` exactly once. */
export interface SessionLease {
  readonly id: string;
  readonly session: BackendSession;
  /** `succeeded` and `cancelled`: reset (verified) and reuse. `failed`: the session is recycled. */
  release(outcome: JobOutcome): void;
}

/** The lease of one pooled session; releases after the first are ignored. */
export function createPoolLease(entry: PooledSession, onRelease: (entry: PooledSession, outcome: JobOutcome) => void): SessionLease {
  let released = false;
  return {
    id: entry.id,
    session: entry.session,
    release: (outcome) => {
      if (released) return;
      released = true;
      onRelease(entry, outcome);
    },
  };
}
