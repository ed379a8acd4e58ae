import { encodeReplyMessage, TurnBatcher, type ReplyBatch } from '@llm-gateway/shared/redis';

export interface ReplyPublisherOptions {
  /** Publishes one message on a reply channel (Redis PUBLISH). */
  publish: (channel: string, message: string) => Promise<unknown>;
  /** Batches per message at most. @defaultValue 64 */
  maxBatches?: number;
}

/**
 * Publishes reply batches, those of one event-loop turn bound for the same API replica in one
 * message ({@link TurnBatcher}). Under load many jobs finish in the same turn (their upstream
 * answers arrive together); one PUBLISH for all of them saves a write here, a command in Redis
 * and a message in the API.
 *
 * Each job sends its next batch only after the previous one settled (`EventBatcher`), so one
 * message never holds two batches of a job and a job's batches arrive in order.
 */
export class ReplyPublisher {
  readonly #publish: (channel: string, message: string) => Promise<unknown>;
  readonly #maxBatches: number;
  /** The batcher of each channel with batches in this turn; it leaves once it sends, so replicas long gone are not kept. */
  readonly #pending = new Map<string, TurnBatcher<ReplyBatch>>();

  constructor(options: ReplyPublisherOptions) {
    this.#publish = options.publish;
    this.#maxBatches = options.maxBatches ?? 64;
  }

  /** Resolves once the message holding `batch` was published; rejects when it could not be. */
  send(channel: string, batch: ReplyBatch): Promise<void> {
    let batcher = this.#pending.get(channel);
    if (batcher === undefined) {
      const own: TurnBatcher<ReplyBatch> = new TurnBatcher<ReplyBatch>({
        maxItems: this.#maxBatches,
        send: (batches) => {
          if (this.#pending.get(channel) === own) this.#pending.delete(channel);
          return this.#publish(channel, encodeReplyMessage(batches));
        },
      });
      batcher = own;
      this.#pending.set(channel, batcher);
    }
    return batcher.add(batch);
  }
}
