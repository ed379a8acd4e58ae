import type { CompletionJob, JobEvent } from './job.ts';
import type { PoolSummary, SessionInfo } from './session.ts';

/** How the API reaches the sessions: in the same process, or through Redis. */
export type DispatchMode = 'in-process' | 'redis';

/** The pool of one pooled backend on a supervisor, as configured. */
export interface SupervisorPoolConfig {
  backend: string;
  /** Warm sessions (`LLM_POOL_SIZE`). */
  size: number;
  /** Cold sessions allowed beyond them (`LLM_MAX_OVERFLOW`). */
  maxOverflow: number;
}

/** One supervisor as the cluster sees it (its registry record without the sessions). */
export interface SupervisorInfo {
  id: string;
  /** Its default backend (`LLM_BACKEND`). */
  backend: string;
  /** Every backend it hosts, the default first: what jobs sent to it can run on. */
  backends: string[];
  /** One entry per pooled backend (cli, mock); direct backends (api, openai) have none. */
  pool: SupervisorPoolConfig[];
  /** The gateway's version (its package version). */
  version: string;
  host: string;
  pid: number;
  /** Epoch milliseconds when the supervisor started. */
  startedAt: number;
  /** ISO time of its last heartbeat. */
  heartbeatAt: string;
  /** Whether the supervisor can run a job now. */
  ok: boolean;
  reason?: string;
  /** Jobs it is running (including ones waiting for a session). */
  running: number;
  /** Whether it takes jobs from the queue: false while none of its backends can serve one (`JobIntake`). */
  accepting: boolean;
  /** Jobs it takes at once. */
  concurrency: number;
}

export interface DispatcherHealth {
  /** False when no job could run now (no live supervisor, Redis down, backend unusable). */
  ok: boolean;
  mode: DispatchMode;
  /** Live supervisors this dispatcher can reach. */
  supervisors: number;
  /** The backends the live supervisors serve, each once, in the order first seen (both dispatchers fill it in). */
  backends?: string[];
  /** Each live supervisor (both dispatchers fill it in; the in-process one has one). */
  supervisorRecords?: SupervisorInfo[];
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
