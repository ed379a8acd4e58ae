import { GatewayError, isTerminalEvent, type JobEvent } from '@llm-gateway/shared';

/**
 * The events of one job as they arrive from Redis, handed to the API as an async iterator.
 *
 * It follows one attempt of the job at a time. When a supervisor dies, BullMQ runs the job again
 * as a new attempt on another supervisor: if the old attempt had produced no output yet, the inbox
 * switches to the new one and the client never notices; if it had, the client already holds part
 * of an answer, so the job ends with `job_interrupted` rather than a second answer. Late events of
 * an abandoned attempt are dropped. After the terminal event nothing more is delivered.
 */
export class JobInbox implements AsyncIterableIterator<JobEvent> {
  readonly #queue: JobEvent[] = [];
  #waiter: ((result: IteratorResult<JobEvent>) => void) | undefined;
  #attempt = 0;
  #started = false;
  #output = false;
  #terminal = false;
  #released = false;
  readonly #onRelease: (completed: boolean) => void;

  /**
   * @param onRelease called once, when the inbox needs no more events: at the terminal event
   * (`completed` true when the job itself sent it) or when the consumer stops early (false).
   */
  constructor(onRelease: (completed: boolean) => void) {
    this.#onRelease = onRelease;
  }

  /** Whether a supervisor has taken the job (`job-started` delivered). */
  get started(): boolean {
    return this.#started;
  }

  /** Whether the job has ended, or its consumer stopped listening. */
  get over(): boolean {
    return this.#terminal || this.#released;
  }

  /** Whether any output (anything but `job-started`) has been delivered. */
  get outputSeen(): boolean {
    return this.#output;
  }

  /** Events of one batch from a supervisor. */
  deliver(attempt: number, events: readonly JobEvent[]): void {
    if (this.#terminal || this.#released || attempt < this.#attempt) return;
    if (attempt > this.#attempt) {
      if (this.#output) {
        this.fail(new GatewayError('job_interrupted', 'The supervisor running this request stopped mid-answer; the partial answer cannot be resumed.'));
        return;
      }
      this.#attempt = attempt;
    }
    for (const event of events) {
      if (event.type === 'job-started') {
        // A retried attempt starts again; the client was told once.
        if (this.#started) continue;
        this.#started = true;
      } else {
        this.#output = true;
      }
      this.#push(event, true);
      if (this.#terminal) return;
    }
  }

  /** Ends the job from this side (timeout, cancel, Redis lost); ignored once it has ended. */
  fail(error: GatewayError): void {
    if (this.#terminal || this.#released) return;
    this.#push({ type: 'error', error: error.toJSON() }, false);
  }

  next(): Promise<IteratorResult<JobEvent>> {
    const event = this.#queue.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.#terminal || this.#released) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** The consumer stopped (early or at the end): stop listening. */
  return(): Promise<IteratorResult<JobEvent>> {
    this.#queue.length = 0;
    this.#release(false);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<JobEvent> {
    return this;
  }

  #push(event: JobEvent, fromJob: boolean): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: event, done: false });
    } else {
      this.#queue.push(event);
    }
    if (isTerminalEvent(event)) {
      this.#terminal = true;
      this.#release(fromJob);
    }
  }

  #release(completed: boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease(completed);
  }
}
