import type { BackendSession } from '@llm-gateway/backends';
import type { PooledSession } from './pooled-session.ts';

/** A session handed to one job. Call `release` exactly once. */
export interface SessionLease {
  readonly id: string;
  readonly session: BackendSession;
  /** `succeeded`: reset and reuse. `failed`: the session is recycled. */
  release(outcome: 'succeeded' | 'failed'): void;
}

/**
 * The lease of one pooled session; later releases are ignored. A class rather than an object of
 * closures: under tsx (keepNames) every named closure costs an `Object.defineProperty` per request.
 */
export class PoolLease implements SessionLease {
  #released = false;

  constructor(
    private readonly entry: PooledSession,
    private readonly onRelease: (entry: PooledSession, outcome: 'succeeded' | 'failed') => void,
  ) {}

  get id(): string {
    return this.entry.id;
  }

  get session(): BackendSession {
    return this.entry.session;
  }

  release(outcome: 'succeeded' | 'failed'): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease(this.entry, outcome);
  }
}
