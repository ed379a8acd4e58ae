import type { PooledSession } from './pooled-session.ts';
import type { RestartPolicy } from './restart-policy.ts';
import { countLiveWarm } from './session-census.ts';

/**
 * Tops the pool back up to `size` live warm sessions after it loses some. With no failure in a row
 * all missing sessions start at once; after failures, one at a time, each after the backoff delay
 * of {@link RestartPolicy}, so a backend that cannot start is not respawned in a hot loop. Separate
 * from the pool because it owns the one respawn timer and nothing on a job's path.
 */
export interface WarmRefillOptions {
  /** Warm sessions to keep live. */
  size: number;
  /** The pool's sessions, counted to find how many are missing. */
  sessions: ReadonlyMap<string, PooledSession>;
  restarts: RestartPolicy;
  /** Starts one warm session and adds it to `sessions`. */
  spawnWarm: () => void;
}

export class WarmRefill {
  readonly #options: WarmRefillOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: WarmRefillOptions) {
    this.#options = options;
  }

  /** Starts the missing warm sessions, or schedules the next one; a no-op while one is scheduled. */
  topUp(): void {
    if (this.#stopped || this.#timer) return;
    const missing = this.#options.size - countLiveWarm(this.#options.sessions);
    if (missing <= 0) return;
    const delay = this.#options.restarts.delayMs();
    if (delay === 0) {
      for (let count = 0; count < missing; count++) this.#options.spawnWarm();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopped) return;
      this.#options.spawnWarm();
      this.topUp();
    }, delay);
    this.#timer.unref?.();
  }

  /** No session is started from now on. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
