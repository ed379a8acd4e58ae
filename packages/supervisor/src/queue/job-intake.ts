import type { Logger } from '@llm-gateway/shared';

/** What {@link JobIntake} needs of a BullMQ worker. */
export interface PausableWorker {
  /** `true`: stop fetching at once; running jobs go on. */
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): unknown;
}

/**
 * Stops a supervisor taking jobs from the shared queue while none of its backends can serve one
 * (a CLI that cannot start, or is not logged in), and starts again once one can. Without it such
 * a supervisor fails every job it takes at once, and, failing fast, it takes them faster than the
 * healthy supervisors do: one broken pod would turn most of a cluster's traffic into 503s.
 */
export class JobIntake {
  readonly #workers: readonly PausableWorker[];
  readonly #canTakeJobs: () => boolean;
  readonly #log: Logger | undefined;
  #paused = false;
  #stopped = false;

  constructor(workers: readonly PausableWorker[], canTakeJobs: () => boolean, log?: Logger) {
    this.#workers = workers;
    this.#canTakeJobs = canTakeJobs;
    this.#log = log;
  }

  /** Whether the workers are fetching jobs. */
  get accepting(): boolean {
    return !this.#paused && !this.#stopped;
  }

  /** Pauses or resumes the workers to match what the supervisor can do now. */
  sync(reason?: () => string | undefined): void {
    if (this.#stopped) return;
    const wanted = this.#canTakeJobs();
    if (!wanted && !this.#paused) {
      this.#paused = true;
      this.#log?.warn({ reason: reason?.() }, 'no backend here can serve a job: not taking jobs from the queue until one can');
      for (const worker of this.#workers) worker.pause(true).catch(() => {});
    } else if (wanted && this.#paused) {
      this.#paused = false;
      this.#log?.info('a backend can serve jobs again: taking jobs from the queue');
      for (const worker of this.#workers) Promise.resolve(worker.resume()).catch(() => {});
    }
  }

  /** No more pausing or resuming: the workers are closing. */
  stop(): void {
    this.#stopped = true;
  }
}
