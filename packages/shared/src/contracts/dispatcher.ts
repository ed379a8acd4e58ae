import type { CompletionJob, JobEvent } from './job.ts';
import type { PoolSummary, SessionInfo } from './session.ts';

/** How the API reaches the sessions: in the same process, or through Redis. */
export type DispatchMode = 'in-process' | 'redis';

export interface DispatcherHealth {
  /** False when no job could run now (no live supervisor, Redis down, backend unusable). */
  ok: boolean;
  mode: DispatchMode;
  /** Live supervisors this dispatcher can reach. */
  supervisors: number;
  pool: PoolSummary;
  redis?: 'up' | 'down';
  /** Why `ok` is false, in words an operator can act on. */
  reason?: string;
}

/** How {@link Dispatcher.run} may treat the caller's cancellation. */
export interface RunOptions {
  /**
   * The controller behind `signal`, handed over: a runner in this process may abort it itself
   * (deadline, job over) instead of deriving another controller and listening to `signal`. A
   * controller and its listener cost ~3.5 µs of CPU per job (Node 20, measured). Abort it only
   * with a `GatewayError` reason. @defaultValue none: the runner derives its own
   */
  controller?: AbortController;
}

/**
 * Hands completion jobs to whoever runs them. Both implementations carry the same
 * {@link CompletionJob} and {@link JobEvent} values, so the API cannot tell them apart.
 */
export interface Dispatcher {
  readonly mode: DispatchMode;
  /**
   * Runs a job and yields its events in order. The stream ends after one `finish` or `error`
   * event; a failure to admit the job (queue full, nobody to run it) is an `error` event too, so
   * the iterator never throws. Aborting `signal` cancels the job wherever it runs.
   */
  run(job: CompletionJob, signal: AbortSignal, options?: RunOptions): AsyncIterable<JobEvent>;
  /** Every session this dispatcher can see, across supervisors. */
  sessions(): Promise<SessionInfo[]>;
  health(): Promise<DispatcherHealth>;
  /** Queued jobs not yet taken by a supervisor. */
  queueDepth(): Promise<number>;
  close(): Promise<void>;
}
