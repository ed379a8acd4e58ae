export interface TurnBatcherOptions<Item> {
  /** Sends one batch in one Redis write (a pipeline, one PUBLISH…). */
  send: (items: Item[]) => Promise<unknown>;
  /** A batch this large is sent at once. @defaultValue 64 */
  maxItems?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers what is added during one event-loop turn and sends it as one batch. Under load one
 * turn handles a dozen requests or more (a batch of sockets, a burst of upstream answers); one
 * Redis write for all of them saves a write and a read per item here and in Redis. A lone item
 * waits only for the end of its turn (`setImmediate`), not for a timer. Batches go out in the
 * order they were gathered; a failed send fails every item of its batch.
 */
export class TurnBatcher<Item> {
  readonly #send: (items: Item[]) => Promise<unknown>;
  readonly #maxItems: number;
  #items: Item[] = [];
  #waiters: Waiter[] = [];
  #scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(options: TurnBatcherOptions<Item>) {
    this.#send = options.send;
    this.#maxItems = options.maxItems ?? 64;
  }

  /** Resolves once the batch holding `item` was sent; rejects when it could not be. */
  add(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#items.push(item);
      this.#waiters.push({ resolve, reject });
      if (this.#items.length >= this.#maxItems) this.flush();
      else this.#scheduled ??= setImmediate(() => this.flush());
    });
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    if (this.#items.length === 0) return;
    const items = this.#items;
    const waiters = this.#waiters;
    this.#items = [];
    this.#waiters = [];
    let sent: Promise<unknown>;
    try {
      sent = this.#send(items);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => {
        for (const waiter of waiters) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
  }
}
