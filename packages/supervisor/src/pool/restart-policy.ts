import { GatewayError } from '@llm-gateway/shared';
import { backoffDelay } from './timeouts.ts';

/**
 * When to start replacement sessions, and whether the backend looks unusable. Failures in a row
 * (start failures and unexpected exits) raise the delay: none for the first (a killed session is
 * replaced at once), then `initialMs`, doubling up to `maxMs`, so a backend that cannot start is
 * retried ever more slowly instead of in a hot loop.
 */
export class RestartPolicy {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #failures = 0;
  #lastError: string | undefined;

  constructor(backoff: { initialMs: number; maxMs: number }) {
    this.#initialMs = backoff.initialMs;
    this.#maxMs = backoff.maxMs;
  }

  recordFailure(message: string): void {
    this.#failures += 1;
    this.#lastError = message;
  }

  /**
   * A session started: the backend can start again. The failure count stays until a session
   * proves useful, so a CLI that starts and then dies at once still backs off.
   */
  recordStart(): void {
    this.#lastError = undefined;
  }

  /** A job or a keep-alive succeeded. */
  recordSuccess(): void {
    this.#failures = 0;
  }

  /** No failure since the last success: cold overflow sessions may be started. */
  get healthy(): boolean {
    return this.#failures === 0;
  }

  /** The error of the last failed start or exit, while no session has started since. */
  get lastError(): string | undefined {
    return this.#failures === 0 ? undefined : this.#lastError;
  }

  delayMs(): number {
    return backoffDelay(this.#failures - 1, this.#initialMs, this.#maxMs);
  }

  /**
   * Why `backend` can serve no job now: its last start or session failed and no live session is
   * left (`anyLive` false). The client is told when the next start is due.
   */
  unavailableError(backend: string, anyLive: boolean): GatewayError | undefined {
    const lastError = this.lastError;
    if (lastError === undefined || anyLive) return undefined;
    return new GatewayError('backend_unavailable', `The ${backend} backend has no working session: ${lastError}`, {
      retryAfter: Math.max(1, Math.ceil(this.delayMs() / 1000)),
    });
  }
}
