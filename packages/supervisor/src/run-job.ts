import {
  ERROR_CODES,
  GatewayError,
  type BackendName,
  type ChatRequest,
  type CompletionJob,
  type JobEvent,
  type Logger,
  type RunOptions,
  type StreamPart,
} from '@llm-gateway/shared';
import type { JobOutcome } from './pool/pool-lease.ts';
import { START_MARGIN_MS, executeInTime } from './execute-in-time.ts';

/** One request taken by a backend (`HostedBackend.execute`): on a pooled session, or on the backend itself. */
export interface Execution {
  sessionId: string | null;
  parts: AsyncIterable<StreamPart>;
  /**
   * Called just before the `finish` part is handed on, so what must be known before the client
   * can answer is known: a pooled session announces a parked tool turn here (split mode routes
   * the follow-up by it). @defaultValue nothing
   */
  finishing?(): void;
  /** Called once when the job is over: a failed job never reuses its session, a cancelled one only after a reset. */
  done(outcome: JobOutcome): void;
}

/** How one execution should go. */
export interface ExecuteOptions {
  /** `CompletionJob.stream`, handed to the backend as a hint. */
  readonly stream: boolean;
  /** Another backend can take the job: fail with `overloaded` at once rather than wait for a busy session. */
  readonly failFast: boolean;
}

export type Executor = (
  request: ChatRequest,
  signal: AbortSignal,
  log: Logger | undefined,
  options?: ExecuteOptions,
) => Promise<Execution>;

// Shared, so an execution allocates no options object.
const EXECUTE_OPTIONS: ReadonlyArray<ExecuteOptions> = [
  { stream: false, failFast: false },
  { stream: true, failFast: false },
  { stream: false, failFast: true },
  { stream: true, failFast: true },
];

function executeOptions(stream: boolean, failFast: boolean): ExecuteOptions {
  return EXECUTE_OPTIONS[(stream ? 1 : 0) + (failFast ? 2 : 0)]!;
}

/** Refuses every job: for a backend this supervisor does not host. */
export function unavailableExecutor(backend: BackendName): Executor {
  return async () => {
    throw new GatewayError('backend_unavailable', `The ${backend} backend is not configured on this supervisor (LLM_MODELS).`);
  };
}

export interface RunJobOptions {
  /** Runs `job.backend`. */
  executor: Executor;
  /** The executor of a fallback backend (`job.fallbacks`). @defaultValue none: fallbacks are not tried */
  executorFor?: (backend: BackendName) => Executor;
  supervisorId: string;
  /**
   * The backend `executor` runs, reported in `job-started`: a supervisor's lone backend serves
   * every job, whatever `job.backend` says. @defaultValue `job.backend`
   */
  backend?: BackendName;
  log?: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Runs one job to its end and reports it as events: `job-started`, the backend's parts, then
 * exactly one `finish` or `error`. Never throws. Stops the backend when `signal` aborts or the
 * job's deadline passes.
 *
 * With `job.fallbacks`, a backend that fails retryably before any output (an exhausted pool, an
 * upstream error) hands the job to the next one, and `job-started` waits until a backend answers.
 * Once output has started, a failure ends the job: an answer is never stitched from two backends.
 *
 * `owned`, the controller behind `signal` handed over by the caller ({@link RunOptions}), is
 * aborted directly rather than through a derived controller.
 */
export async function* runJob(job: CompletionJob, signal: AbortSignal, options: RunJobOptions, owned?: AbortController): AsyncGenerator<JobEvent> {
  const { supervisorId, log, now = Date.now } = options;
  const { controller, detach } = jobController(signal, owned);
  const remaining = job.deadline - now();
  const timer = setTimeout(
    () => controller.abort(new GatewayError('timeout', `The request did not finish within its timeout.`)),
    Math.max(0, remaining),
  );
  let execution: Execution | undefined;
  let parts: AsyncIterator<StreamPart> | undefined;
  // Cancelled until the backend finishes or fails: the job may be stopped from outside (its
  // signal, the deadline, a consumer that stops reading) at any await below.
  let outcome: JobOutcome = 'cancelled';
  try {
    let pending: IteratorResult<StreamPart> | undefined;
    let backend = options.backend ?? job.backend;
    if (job.fallbacks === undefined || job.fallbacks.length === 0 || options.executorFor === undefined) {
      execution = await executeInTime(options.executor, job, controller.signal, log, executeOptions(job.stream, false), now);
      parts = execution.parts[Symbol.asyncIterator]();
    } else {
      ({ backend, execution, parts, pending } = await startWithFallbacks(job, controller.signal, options));
    }
    yield { type: 'job-started', sessionId: execution.sessionId, supervisor: supervisorId, backend };
    for (;;) {
      const next = pending ?? (await parts.next());
      pending = undefined;
      if (controller.signal.aborted) break;
      if (next.done) {
        outcome = 'failed';
        break;
      }
      const part = next.value;
      // Decided before yielding: a consumer that stops at the terminal event never resumes us.
      if (part.type === 'finish') {
        outcome = 'succeeded';
        execution.finishing?.();
      } else if (part.type === 'error') outcome = 'failed';
      yield part;
      if (part.type === 'finish' || part.type === 'error') return;
    }
    yield { type: 'error', error: abortError(controller.signal, 'The backend ended the answer without finishing it.').toJSON() };
  } catch (error) {
    if (!controller.signal.aborted) outcome = 'failed';
    if (!(error instanceof GatewayError) && !controller.signal.aborted) {
      log?.error({ jobId: job.id, requestId: job.requestId, error: error instanceof Error ? error.message : String(error) }, 'backend failed');
    }
    const gatewayError = error instanceof GatewayError ? error : abortError(controller.signal, 'The backend failed while answering.');
    yield { type: 'error', error: gatewayError.toJSON() };
  } finally {
    clearTimeout(timer);
    detach();
    // An unfinished answer may still be running inside the session: stop it (the CLI's interrupt)
    // before its generator is closed, which removes the backend's abort listener.
    if (outcome !== 'succeeded' && !controller.signal.aborted) controller.abort(new GatewayError('client_closed', 'Job over.'));
    // Ends the backend's generator (its own cleanup runs), as leaving a `for await` would.
    await closeQuietly(parts);
    // A session still busy at the deadline is suspect (a hung upstream or process): not reused.
    // In split mode the API's cancel may beat the local timer, so the clock decides, not the reason.
    if (outcome === 'cancelled' && (now() >= job.deadline || (controller.signal.reason as { code?: unknown } | undefined)?.code === 'timeout')) {
      outcome = 'failed';
    }
    execution?.done(outcome);
  }
}

const NOTHING_TO_DETACH = () => {};

/** The controller that stops the backend: `owned` when it is behind `signal`, else one that follows `signal`. */
function jobController(signal: AbortSignal, owned: AbortController | undefined): { controller: AbortController; detach: () => void } {
  if (owned !== undefined && owned.signal === signal) return { controller: owned, detach: NOTHING_TO_DETACH };
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason ?? new GatewayError('client_closed', 'The client closed the request.'));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  return { controller, detach: () => signal.removeEventListener('abort', onAbort) };
}

interface Started {
  /** The backend that took the job (a fallback, when the first could not). */
  backend: BackendName;
  execution: Execution;
  parts: AsyncIterator<StreamPart>;
  /** The first part, already read to see whether the backend answers. */
  pending: IteratorResult<StreamPart> | undefined;
}

/** Tries `job.backend`, then each fallback, until one answers or fails in a way the next cannot mend. */
async function startWithFallbacks(job: CompletionJob, signal: AbortSignal, options: RunJobOptions): Promise<Started> {
  const { log, now = Date.now } = options;
  const fallbacks = job.fallbacks ?? [];
  let executor = options.executor;
  let backend = options.backend ?? job.backend;
  for (const fallback of fallbacks) {
    const attempt = await attemptBackend(executor, job, signal, log, now);
    if (!(attempt instanceof GatewayError)) return { ...attempt, backend };
    log?.warn({ jobId: job.id, requestId: job.requestId, backend, fallback, code: attempt.code }, 'backend failed before any output: trying the next one');
    backend = fallback;
    executor = options.executorFor!(fallback);
  }
  const execution = await executeInTime(executor, job, signal, log, executeOptions(job.stream, false), now);
  return { backend, execution, parts: execution.parts[Symbol.asyncIterator](), pending: undefined };
}

/**
 * Starts a backend that has a fallback and reads its first part. Returns the error when it failed
 * retryably before any output (its session released as failed); throws what cannot be mended by
 * another backend (the caller gave up, the request is at fault).
 */
async function attemptBackend(
  executor: Executor,
  job: CompletionJob,
  signal: AbortSignal,
  log: Logger | undefined,
  now: () => number,
): Promise<Omit<Started, 'backend'> | GatewayError> {
  const mendable = (error: unknown): GatewayError | undefined => {
    if (signal.aborted || job.deadline - now() < START_MARGIN_MS) return undefined;
    if (error instanceof GatewayError) return error.retryable ? error : undefined;
    log?.error({ jobId: job.id, requestId: job.requestId, error: error instanceof Error ? error.message : String(error) }, 'backend failed');
    return new GatewayError('upstream_error', 'The backend failed while answering.');
  };
  let execution: Execution;
  try {
    execution = await executeInTime(executor, job, signal, log, executeOptions(job.stream, true), now);
  } catch (error) {
    const failure = mendable(error);
    if (failure === undefined) throw error;
    return failure;
  }
  const parts = execution.parts[Symbol.asyncIterator]();
  let first: IteratorResult<StreamPart>;
  try {
    first = await parts.next();
  } catch (error) {
    execution.done('failed');
    const failure = mendable(error);
    if (failure === undefined) throw error;
    return failure;
  }
  if (!first.done && first.value.type === 'error' && !signal.aborted && isRetryable(first.value.error.code)) {
    await closeQuietly(parts);
    execution.done('failed');
    return GatewayError.fromJSON(first.value.error);
  }
  return { execution, parts, pending: first };
}

function isRetryable(code: string): boolean {
  return (ERROR_CODES as Record<string, { retryable: boolean } | undefined>)[code]?.retryable === true;
}

async function closeQuietly(parts: AsyncIterator<StreamPart> | undefined): Promise<void> {
  try {
    await parts?.return?.();
  } catch {
    // The backend failed while cleaning up; the job's outcome is already decided.
  }
}

function abortError(signal: AbortSignal, fallback: string): GatewayError {
  if (signal.aborted && signal.reason instanceof GatewayError) return signal.reason;
  return new GatewayError('upstream_error', fallback);
}
