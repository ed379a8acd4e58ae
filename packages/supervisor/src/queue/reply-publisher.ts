import { encodeReplyMessage, readsReplyLists, type ReplyBatch } from './protocol.ts';

export interface ReplyPublisherOptions {
  /** Publishes one message on a reply channel (Redis PUBLISH). */
  publish: (channel: string, message: string) => Promise<unknown>;
  /** Batches per message at most. @defaultValue 64 */
  maxBatches?: number;
}

interface Outgoing {
  batches: ReplyBatch[];
  settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * Publishes reply batches, those of one event-loop turn bound for the same API replica in one
 * message. Under load many jobs finish in the same turn (their upstream answers arrive together);
 * one PUBLISH for all of them saves a write here, a command in Redis and a message in the API.
 * A lone batch waits only for the end of its turn (`setImmediate`).
 *
 * Each job sends its next batch only after the previous one settled (`EventBatcher`), so one
 * message never holds two batches of a job and a job's batches arrive in order. Only channels whose
 * replica reads lists get them ({@link readsReplyLists}); others get one batch per message.
 */
export class ReplyPublisher {
  readonly #publish: (channel: string, message: string) => Promise<unknown>;
  readonly #maxBatches: number;
  readonly #outgoing = new Map<string, Outgoing>();
  #scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(options: ReplyPublisherOptions) {
    this.#publish = options.publish;
    this.#maxBatches = options.maxBatches ?? 64;
  }

  /** Resolves once the message holding `batch` was published; rejects when it could not be. */
  send(channel: string, batch: ReplyBatch): Promise<void> {
    // An API replica from before reply lists: one batch per message, at once.
    if (!readsReplyLists(channel)) return this.#publish(channel, encodeReplyMessage([batch])).then(() => undefined);
    return new Promise<void>((resolve, reject) => {
      let outgoing = this.#outgoing.get(channel);
      if (outgoing === undefined) {
        outgoing = { batches: [], settle: [] };
        this.#outgoing.set(channel, outgoing);
      }
      outgoing.batches.push(batch);
      outgoing.settle.push({ resolve, reject });
      if (outgoing.batches.length >= this.#maxBatches) {
        this.#outgoing.delete(channel);
        this.#send(channel, outgoing);
      } else {
        this.#scheduled ??= setImmediate(() => this.flush());
      }
    });
  }

  /** Publishes everything pending now. */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    for (const [channel, outgoing] of this.#outgoing) this.#send(channel, outgoing);
    this.#outgoing.clear();
  }

  #send(channel: string, outgoing: Outgoing): void {
    let sent: Promise<unknown>;
    try {
      sent = this.#publish(channel, encodeReplyMessage(outgoing.batches));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => {
        for (const waiter of outgoing.settle) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of outgoing.settle) waiter.reject(error);
      },
    );
  }
}
