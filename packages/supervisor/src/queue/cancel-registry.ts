import { GatewayError } from '@llm-gateway/shared';

export interface CancelRegistryOptions {
  /** How long a cancel for a job not (yet) running here is remembered. @defaultValue 60_000 */
  rememberMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * The jobs a supervisor runs, by id, so a cancel message from any API replica can stop one.
 * A cancel can overtake its job (the job's data and the cancel travel on different connections),
 * so a cancel for an unknown job is remembered for a while and applied when the job registers.
 */
export class CancelRegistry {
  readonly #running = new Map<string, AbortController>();
  readonly #cancelled = new Map<string, number>();
  readonly #rememberMs: number;
  readonly #now: () => number;

  constructor(options: CancelRegistryOptions = {}) {
    this.#rememberMs = options.rememberMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Jobs running here now. */
  get size(): number {
    return this.#running.size;
  }

  /** Tracks a job; the controller is already aborted if a cancel came first. */
  register(jobId: string): AbortController {
    const controller = new AbortController();
    this.#running.set(jobId, controller);
    if (this.#cancelled.delete(jobId)) controller.abort(cancelReason());
    return controller;
  }

  unregister(jobId: string): void {
    this.#running.delete(jobId);
  }

  /** Stops a job if it runs here, else remembers the cancel. Returns whether it ran here. */
  cancel(jobId: string): boolean {
    const controller = this.#running.get(jobId);
    if (controller) {
      controller.abort(cancelReason());
      return true;
    }
    this.#forgetExpired();
    this.#cancelled.set(jobId, this.#now() + this.#rememberMs);
    return false;
  }

  /** Stops every job running here (shutdown past its grace period). */
  abortAll(reason: unknown): void {
    for (const controller of this.#running.values()) controller.abort(reason);
  }

  #forgetExpired(): void {
    const now = this.#now();
    // Insertion order is expiry order, so the scan stops at the first live entry.
    for (const [jobId, expiresAt] of this.#cancelled) {
      if (expiresAt > now) break;
      this.#cancelled.delete(jobId);
    }
  }
}

function cancelReason(): GatewayError {
  return new GatewayError('client_closed', 'The client closed the request.');
}
