import type { Redis } from 'ioredis';
import { GatewayError, type Logger } from '@llm-gateway/shared';
import { decodeReplyMessage } from '@llm-gateway/shared/redis';
import type { JobInbox } from './job-inbox.ts';

export interface ReplyRouterOptions {
  /** A connection of its own: it is in subscriber mode. */
  subscriber: Redis;
  /** This replica's reply channel. */
  channel: string;
  log?: Logger;
}

/**
 * Receives every reply batch addressed to this API replica on one pub/sub channel, subscribed
 * once per process, and hands each to its job's inbox.
 *
 * Pub/sub drops what is published while the subscriber is disconnected. So a job is only
 * accepted while the subscription is live, and when it drops every job in flight ends at once
 * with an error: an event is never lost silently, a client never waits for one that cannot come.
 */
export class ReplyRouter {
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #log: Logger | undefined;
  readonly #inboxes = new Map<string, JobInbox>();
  #subscribed = false;
  readonly #readyWaiters = new Set<() => void>();

  constructor(options: ReplyRouterOptions) {
    this.#subscriber = options.subscriber;
    this.#channel = options.channel;
    this.#log = options.log;
    this.#subscriber.on('ready', () => this.#subscribe());
    this.#subscriber.on('close', () => this.#lost());
    this.#subscriber.on('message', (_channel: string, message: string) => this.#route(message));
    if (this.#subscriber.status === 'ready') this.#subscribe();
  }

  /** Whether replies can arrive now. */
  get ready(): boolean {
    return this.#subscribed && this.#subscriber.status === 'ready';
  }

  /** Jobs waiting for replies. */
  get size(): number {
    return this.#inboxes.size;
  }

  /** Resolves true once subscribed, or false after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#readyWaiters.delete(done);
        resolve(this.ready);
      };
      const timer = setTimeout(done, timeoutMs);
      this.#readyWaiters.add(done);
    });
  }

  register(jobId: string, inbox: JobInbox): void {
    this.#inboxes.set(jobId, inbox);
  }

  unregister(jobId: string): void {
    this.#inboxes.delete(jobId);
  }

  /** Ends every job in flight with `error` (shutdown). */
  failAll(error: GatewayError): void {
    for (const inbox of [...this.#inboxes.values()]) inbox.fail(error);
  }

  #subscribe(): void {
    this.#subscriber.subscribe(this.#channel).then(
      () => {
        this.#subscribed = true;
        for (const waiter of [...this.#readyWaiters]) waiter();
      },
      (error: unknown) => this.#log?.warn({ error: String(error) }, 'could not subscribe to the reply channel'),
    );
  }

  #lost(): void {
    const wasSubscribed = this.#subscribed;
    this.#subscribed = false;
    if (!wasSubscribed || this.#inboxes.size === 0) return;
    this.#log?.warn({ jobs: this.#inboxes.size }, 'lost the reply channel: failing the jobs in flight');
    for (const inbox of [...this.#inboxes.values()]) {
      inbox.fail(
        inbox.outputSeen
          ? new GatewayError('job_interrupted', 'Lost the connection to Redis mid-answer.')
          : new GatewayError('backend_unavailable', 'Lost the connection to Redis.', { retryAfter: 1 }),
      );
    }
  }

  #route(message: string): void {
    // A job this replica no longer waits for (cancelled, timed out): its late events are dropped.
    for (const batch of decodeReplyMessage(message)) this.#inboxes.get(batch.job)?.deliver(batch.attempt, batch.events);
  }
}
