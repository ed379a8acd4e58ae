/** What a {@link FlushClock} flushes: a job's {@link EventBatcher}. */
export interface Flushable {
  flush(): void;
}

/**
 * One timer for the batches of every job of a supervisor. A job whose answer is flowing holds its
 * events until the next tick, at most `intervalMs` after the first of them waited; every job due at
 * a tick flushes in the same macrotask, so the {@link ReplyPublisher} sends them to each API replica
 * in one PUBLISH. With a timer per job, streams whose tokens arrive out of step (they always do)
 * flushed in different turns: a message, a Redis command and a write per stream and chunk.
 */
export class FlushClock {
  readonly #intervalMs: number;
  readonly #due = new Set<Flushable>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Flushes `batch` at the next tick (once, however often it is scheduled before). */
  schedule(batch: Flushable): void {
    this.#due.add(batch);
    this.#timer ??= setTimeout(() => this.#tick(), this.#intervalMs);
  }

  /** `batch` flushed on its own (its terminal event, a full batch): the tick has nothing for it. */
  cancel(batch: Flushable): void {
    this.#due.delete(batch);
  }

  #tick(): void {
    this.#timer = undefined;
    const due = [...this.#due];
    this.#due.clear();
    for (const batch of due) batch.flush();
  }
}
