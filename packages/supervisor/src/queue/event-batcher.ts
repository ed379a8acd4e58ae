import { isTerminalEvent, type JobEvent } from '@llm-gateway/shared';
import { FlushClock } from './flush-clock.ts';

export interface EventBatcherOptions {
  /** Sends one batch; batches are sent in order, one at a time. */
  send: (events: JobEvent[]) => Promise<void>;
  /**
   * How long an event may wait for company once the answer is flowing. A long answer then costs
   * one Redis message per few milliseconds, not one per token. Until the first output has been
   * sent, events wait only for the current burst (one macrotask), so batching adds nothing to the
   * time to first token. @defaultValue 4 (unused when `clock` is given: the clock's interval counts)
   */
  flushIntervalMs?: number;
  /**
   * The timer shared with the other jobs of this supervisor, so their batches flush in the same
   * turn and go out in one message per API replica. @defaultValue a clock of this job's own,
   * ticking every `flushIntervalMs`
   */
  clock?: FlushClock;
  /** A batch this large is sent at once. @defaultValue 256 */
  maxEvents?: number;
  /**
   * Whether the client reads the answer as it is produced. When it does not (a non-streamed
   * request waits for the whole answer anyway), events wait for the terminal event or for
   * `maxEvents`: a short answer is one Redis message instead of two, and a supervisor that dies
   * mid-answer leaves nothing behind, so the job can run again elsewhere. @defaultValue true
   */
  streaming?: boolean;
}

/**
 * Collects a job's events into batches. The terminal event is sent at once with whatever is
 * pending; for a streaming client the first output goes out after the current burst of events and
 * everything after it waits at most `flushIntervalMs`. Batches never overlap, so the receiver sees events in push order.
 */
export class EventBatcher {
  readonly #send: (events: JobEvent[]) => Promise<void>;
  readonly #clock: FlushClock;
  readonly #leaveClock = () => this.#clock.cancel(this);
  readonly #maxEvents: number;
  readonly #streaming: boolean;
  #pending: JobEvent[] = [];
  #cancelTimer: (() => void) | undefined;
  #outputSent = false;
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  #sent = 0;

  constructor(options: EventBatcherOptions) {
    this.#send = options.send;
    this.#clock = options.clock ?? new FlushClock(options.flushIntervalMs ?? 4);
    this.#maxEvents = options.maxEvents ?? 256;
    this.#streaming = options.streaming ?? true;
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
    if (this.#cancelTimer || !this.#streaming) return;
    if (this.#outputSent) {
      this.#clock.schedule(this);
      this.#cancelTimer = this.#leaveClock;
    } else {
      const immediate = setImmediate(() => this.flush());
      this.#cancelTimer = () => clearImmediate(immediate);
    }
  }

  /** Sends what is pending now. */
  flush(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    if (events.some((event) => event.type !== 'job-started')) this.#outputSent = true;
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
