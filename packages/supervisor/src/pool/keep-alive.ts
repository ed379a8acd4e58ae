import type { PooledSession } from './pooled-session.ts';
import { withTimeout } from './timeouts.ts';

/**
 * The keep-alive loop: on its own timer, pings every idle session so one that died quietly is found
 * and replaced before a job is handed to it. Separate from the pool because it never runs on a
 * job's path; the pool only hears the answers and decides what they mean.
 */
export interface KeepAliveOptions {
  /** The pool's sessions; only `ready` ones without a ping in flight are pinged. */
  sessions: ReadonlyMap<string, PooledSession>;
  /** 0 turns the loop off. */
  intervalMs: number;
  /** A ping not answered within this counts as failed. */
  timeoutMs: number;
  /** The session answered (it may have left `ready` meanwhile). */
  onAlive: (entry: PooledSession) => void;
  /** The session did not answer and is still `ready`. */
  onDead: (entry: PooledSession, error: unknown) => void;
}

export class KeepAlive {
  readonly #options: KeepAliveOptions;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: KeepAliveOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#options.intervalMs > 0) {
      this.#timer = setInterval(() => this.#pingIdle(), this.#options.intervalMs);
      this.#timer.unref?.();
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #pingIdle(): void {
    const { sessions, timeoutMs, onAlive, onDead } = this.#options;
    for (const entry of sessions.values()) {
      if (entry.status !== 'ready' || entry.pinging) continue;
      // `pinging` keeps the session from being handed out until it answers.
      entry.pinging = true;
      withTimeout(entry.session.ping(), timeoutMs, 'keep-alive ping timed out').then(
        () => {
          entry.pinging = false;
          onAlive(entry);
        },
        (error: unknown) => {
          entry.pinging = false;
          if (entry.status !== 'ready') return;
          onDead(entry, error);
        },
      );
    }
  }
}
