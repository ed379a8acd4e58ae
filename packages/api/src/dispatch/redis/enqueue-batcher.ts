/** One job to enqueue, in the shape of BullMQ's `Queue.addBulk` entries. */
export interface EnqueueEntry<Data> {
  name: string;
  data: Data;
  opts: { jobId: string };
}

export interface EnqueueBatcherOptions<Data> {
  /** Adds the batch in one round trip (`Queue.addBulk`: one pipelined write). */
  addBulk: (entries: Array<EnqueueEntry<Data>>) => Promise<unknown>;
  /** A batch this large is sent at once. @defaultValue 64 */
  maxBatch?: number;
}

interface Pending<Data> {
  entry: EnqueueEntry<Data>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the jobs enqueued while one batch of sockets is being served (one event-loop turn) and
 * adds them to the queue in one pipelined write. Under load one turn parses a dozen requests or
 * more; one write for all of them saves a write and a read per job here and in Redis. A lone
 * request waits only for the end of its turn (`setImmediate`), not for a timer.
 *
 * A failed batch fails every job in it: the pipeline's other adds may have reached Redis, and
 * the caller cancels and removes each job it gave up on, so none runs unheard. That cancel goes on
 * the same connection after the add: a client's disconnect or deadline is seen in a later
 * event-loop phase than the `setImmediate` that sends the batch.
 */
export class EnqueueBatcher<Data> {
  readonly #addBulk: (entries: Array<EnqueueEntry<Data>>) => Promise<unknown>;
  readonly #maxBatch: number;
  #pending: Array<Pending<Data>> = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(options: EnqueueBatcherOptions<Data>) {
    this.#addBulk = options.addBulk;
    this.#maxBatch = options.maxBatch ?? 64;
  }

  /** Resolves once the job is in the queue; rejects when its batch could not be added. */
  add(name: string, data: Data, jobId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ entry: { name, data, opts: { jobId } }, resolve, reject });
      if (this.#pending.length >= this.#maxBatch) this.flush();
      else this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let sent: Promise<unknown>;
    try {
      sent = this.#addBulk(batch.map((pending) => pending.entry));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => {
        for (const pending of batch) pending.resolve();
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }
}
