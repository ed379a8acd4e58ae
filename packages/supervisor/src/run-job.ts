import {
  GatewayError,
  type ChatRequest,
  type CompletionJob,
  type JobEvent,
  type Logger,
  type StreamPart,
} from '@llm-gateway/shared';
import type { Backend, SessionBackend } from '@llm-gateway/backends';
import type { SessionPool } from './pool/session-pool.ts';

/** Something that can take one request: a pooled session, or a stateless backend. */
export interface Execution {
  sessionId: string | null;
  parts: AsyncIterable<StreamPart>;
  /** Called once when the job is over: a failed or cancelled job never reuses its session. */
  done(outcome: 'succeeded' | 'failed'): void;
}

export type Executor = (request: ChatRequest, signal: AbortSignal, log: Logger | undefined) => Promise<Execution>;

/** Runs requests on the pool's sessions. */
export function pooledExecutor(pool: SessionPool, backend: SessionBackend): Executor {
  return async (request, signal, log) => {
    const refusal = backend.check?.(request);
    if (refusal) throw refusal;
    const lease = await pool.acquire(signal);
    return {
      sessionId: lease.id,
      parts: lease.session.run(request, { signal, ...(log ? { log } : {}) }),
      done: (outcome) => lease.release(outcome),
    };
  };
}

/** Runs requests straight on a stateless backend (the API backends). */
export function directExecutor(backend: Backend): Executor {
  return async (request, signal, log) => {
    const refusal = backend.check?.(request);
    if (refusal) throw refusal;
    return {
      sessionId: null,
      parts: backend.stream(request, { signal, ...(log ? { log } : {}) }),
      done: () => {},
    };
  };
}

export interface RunJobOptions {
  executor: Executor;
  supervisorId: string;
  log?: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Runs one job to its end and reports it as events: `job-started`, the backend's parts, then
 * exactly one `finish` or `error`. Never throws. Stops the backend when `signal` aborts or the
 * job's deadline passes.
 */
export async function* runJob(job: CompletionJob, signal: AbortSignal, options: RunJobOptions): AsyncGenerator<JobEvent> {
  const { executor, supervisorId, log, now = Date.now } = options;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason ?? new GatewayError('client_closed', 'The client closed the request.'));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const remaining = job.deadline - now();
  const timer = setTimeout(
    () => controller.abort(new GatewayError('timeout', `The request did not finish within its timeout.`)),
    Math.max(0, remaining),
  );
  let execution: Execution | undefined;
  let outcome: 'succeeded' | 'failed' = 'failed';
  try {
    execution = await executor(job.request, controller.signal, log);
    yield { type: 'job-started', sessionId: execution.sessionId, supervisor: supervisorId };
    for await (const part of execution.parts) {
      if (controller.signal.aborted) break;
      // Decided before yielding: a consumer that stops at the terminal event never resumes us.
      if (part.type === 'finish') outcome = 'succeeded';
      yield part;
      if (part.type === 'finish' || part.type === 'error') return;
    }
    yield { type: 'error', error: abortError(controller.signal, 'The backend ended the answer without finishing it.').toJSON() };
  } catch (error) {
    if (!(error instanceof GatewayError) && !controller.signal.aborted) {
      log?.error({ jobId: job.id, requestId: job.requestId, error: error instanceof Error ? error.message : String(error) }, 'backend failed');
    }
    const gatewayError = error instanceof GatewayError ? error : abortError(controller.signal, 'The backend failed while answering.');
    yield { type: 'error', error: gatewayError.toJSON() };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    // A cancelled answer may still be running inside the session: stop it before anyone reuses it.
    if (outcome === 'failed' && !controller.signal.aborted) controller.abort(new GatewayError('client_closed', 'Job over.'));
    execution?.done(outcome);
  }
}

function abortError(signal: AbortSignal, fallback: string): GatewayError {
  if (signal.aborted && signal.reason instanceof GatewayError) return signal.reason;
  return new GatewayError('upstream_error', fallback);
}
