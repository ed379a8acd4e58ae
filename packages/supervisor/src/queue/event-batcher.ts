import { isTerminalEvent, type JobEvent } from '@llm-gateway/shared';

export interface EventBatcherOptions {
  /** Sends one batch; batches are sent in order, one at a time. */
  send: (events: JobEvent[]) => Promise<void>;
  /**
   * How long an event may wait for company. A long answer then costs one Redis message per few
   * milliseconds, not one per token. @defaultValue 4
   */
  flushIntervalMs?: number;
  /** A batch this large is sent at once. @defaultValue 256 */
  maxEvents?: number;
}

/**
 * Collects a job's events into batches. The terminal event is sent at once with whatever is
 * pending; everything else waits at most `flushIntervalMs`. Batches never overlap, so the
 * receiver sees events in the order they were pushed.
 */
export class EventBatcher {
  readonly #send: (events: JobEvent[]) => Promise<void>;
  readonly #flushIntervalMs: number;
  readonly #maxEvents: number;
  #pending: JobEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  #sent = 0;

  constructor(options: EventBatcherOptions) {
    this.#send = options.send;
    this.#flushIntervalMs = options.flushIntervalMs ?? 4;
    this.#maxEvents = options.maxEvents ?? 256;
  }

  /** Batches sent so far (or being sent). */
  get batches(): number {
    return this.#sent;
  }

  /** The first send failure, if any: nobody hears this job any more. */
  get failure(): unknown {
    return this.#failure;
  }

  push(event: JobEvent): void {
    this.#pending.push(event);
    if (isTerminalEvent(event) || this.#pending.length >= this.#maxEvents) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), this.#flushIntervalMs);
  }

  /** Sends what is pending now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#sent += 1;
    this.#chain = this.#chain.then(() =>
      this.#failure === undefined
        ? this.#send(events).catch((error: unknown) => {
            this.#failure ??= error;
          })
        : undefined,
    );
  }

  /** Flushes and resolves once every batch has been sent (or failed: see {@link failure}). */
  async close(): Promise<void> {
    this.flush();
    await this.#chain;
  }
}
