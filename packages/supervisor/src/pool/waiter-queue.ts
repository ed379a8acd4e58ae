import type { SessionLease } from './pool-lease.ts';

/**
 * Jobs waiting for a session to come free, first come first served. Separate from the pool so the
 * abort bookkeeping (a caller who gives up leaves the queue at once, and its listener goes with
 * it) lives in one place. Only the slow path reaches it: a job that finds a ready session never
 * queues, so the closures made here are not paid on the hot path.
 */

/** One queued job: settle it exactly once. */
export interface Waiter {
  resolve: (lease: SessionLease) => void;
  reject: (error: unknown) => void;
}

export class WaiterQueue {
  readonly #waiters: Waiter[] = [];

  /** Jobs waiting. */
  get length(): number {
    return this.#waiters.length;
  }

  /**
   * Queues a job (the `resolve`/`reject` of its promise). If `signal` aborts first, the job leaves
   * the queue and is rejected with `signal.reason`.
   */
  add(signal: AbortSignal, resolve: (lease: SessionLease) => void, reject: (error: unknown) => void): void {
    const onAbort = () => {
      const index = this.#waiters.indexOf(waiter);
      if (index >= 0) this.#waiters.splice(index, 1);
      reject(signal.reason);
    };
    const waiter: Waiter = {
      resolve: (lease) => {
        signal.removeEventListener('abort', onAbort);
        resolve(lease);
      },
      reject: (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#waiters.push(waiter);
  }

  /** Takes the job that has waited longest off the queue. */
  next(): Waiter | undefined {
    return this.#waiters.shift();
  }

  /** Empties the queue, rejecting every job with `error`. */
  rejectAll(error: unknown): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
