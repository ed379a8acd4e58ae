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

/**
 * The lease of one pooled session; later releases are ignored. A class rather than an object of
 * closures: under tsx (keepNames) every named closure costs an `Object.defineProperty` per request.
 */
export class PoolLease implements SessionLease {
  #released = false;

  constructor(
    private readonly entry: PooledSession,
    private readonly onRelease: (entry: PooledSession, outcome: JobOutcome) => void,
  ) {}

  get id(): string {
    return this.entry.id;
  }

  get session(): BackendSession {
    return this.entry.session;
  }

  release(outcome: JobOutcome): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease(this.entry, outcome);
  }
}
