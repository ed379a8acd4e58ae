import { GatewayError, type CompletionJob, type Logger } from '@llm-gateway/shared';
import type { ExecuteOptions, Execution, Executor } from './run-job.ts';

/**
 * A job handed its session (or its turn, in the queue) with less time than this left is not
 * started: it would time out a word or two into its answer, and the client is better served by a
 * plain 504 than by a 200 whose stream ends in a timeout event. It happens to a job that waited
 * for a session until its deadline: the session freed at the deadline of the job before it (the
 * same timeout, a few ms earlier) goes to it at once. Starting it would also cost the session an
 * interrupt and a reset (the CLI) for nothing.
 */
export const START_MARGIN_MS = 100;

/**
 * Runs `executor`, unless the job's deadline is (nearly) over when it resolves (see
 * {@link START_MARGIN_MS}): then the execution, not yet asked for anything (a backend's parts are
 * a lazy generator), is given back untouched and the job times out before any output.
 */
export async function executeInTime(
  executor: Executor,
  job: CompletionJob,
  signal: AbortSignal,
  log: Logger | undefined,
  options: ExecuteOptions,
  now: () => number,
): Promise<Execution> {
  const execution = await executor(job.request, signal, log, options);
  if (job.deadline - now() >= START_MARGIN_MS) return execution;
  try {
    await execution.parts[Symbol.asyncIterator]().return?.();
  } catch {
    // A generator that never started has nothing to clean up; nothing else can fail here.
  }
  // Nothing ran on it: it goes back as after a finished answer, not recycled as a suspect.
  execution.done('succeeded');
  throw new GatewayError('timeout', 'The request did not finish within its timeout.');
}
