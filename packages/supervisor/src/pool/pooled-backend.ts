import { trailingToolMessages, type ChatRequest, type StreamPart } from '@llm-gateway/shared';
import type { BackendCallOptions, SessionBackend } from '@llm-gateway/backends';
import type { HostedBackend } from '../hosted-backend.ts';
import type { Execution, Executor } from '../run-job.ts';
import type { JobOutcome } from './pool-lease.ts';
import type { SessionPoolOptions } from './session-pool-options.ts';
import { SessionPool } from './session-pool.ts';

const FAIL_FAST = { failFastWhenExhausted: true } as const;

/**
 * Hosts a backend whose requests run on sessions (cli, mock): it owns a {@link SessionPool} of
 * them, and a request takes a session from it, or goes on with the turn a session keeps parked
 * for the request's tool results.
 */
export function hostPooled(options: SessionPoolOptions & { backend: SessionBackend }): HostedBackend {
  const { backend } = options;
  const pool = new SessionPool(options);
  const execute: Executor = async (request, signal, log, executeOptions) => {
    const refusal = backend.check?.(request);
    if (refusal) throw refusal;
    const answered = answeredToolCalls(request);
    const lease = (answered.length > 0 ? pool.claimParked(answered) : undefined) ?? (await pool.acquire(signal, executeOptions?.failFast ? FAIL_FAST : undefined));
    return {
      sessionId: lease.id,
      parts: lease.session.run(request, { signal, log, stream: executeOptions?.stream }),
      finishing: () => pool.announceParking(lease.session),
      done: (outcome) => lease.release(outcome),
    };
  };
  return {
    name: backend.name,
    models: () => backend.models(),
    ...(backend.check ? { check: backend.check.bind(backend) } : {}),
    stream: (request, callOptions) => streamOnSession(execute, request, callOptions),
    execute,
    start: () => pool.start(),
    sessions: () => pool.sessions(),
    get unavailableReason() {
      return pool.unavailableReason;
    },
    get canServe() {
      return pool.canServe;
    },
    get waiting() {
      return pool.waiting;
    },
    close: () => pool.stop(),
  };
}

/** The ids of the tool calls a request's trailing `tool` messages answer: what a parked turn waits for. */
export function answeredToolCalls(request: ChatRequest): string[] {
  return trailingToolMessages(request).map((message) => message.toolCallId);
}

/** One request as a plain {@link Backend} stream: a session for it, given back as the answer ended. */
async function* streamOnSession(execute: Executor, request: ChatRequest, options: BackendCallOptions): AsyncGenerator<StreamPart> {
  const execution: Execution = await execute(request, options.signal, options.log, { stream: options.stream ?? true, failFast: false });
  // Cancelled until it finishes or fails: the caller may stop reading at any part.
  let outcome: JobOutcome = 'cancelled';
  try {
    for await (const part of execution.parts) {
      if (part.type === 'finish') {
        outcome = 'succeeded';
        execution.finishing?.();
      } else if (part.type === 'error') outcome = 'failed';
      yield part;
      if (outcome !== 'cancelled') return;
    }
    outcome = 'failed';
  } catch (error) {
    outcome = 'failed';
    throw error;
  } finally {
    execution.done(outcome);
  }
}
