import { UnrecoverableError, type Job } from 'bullmq';
import { ERROR_CODES, GatewayError, isTerminalEvent, type JobEvent, type Logger } from '@llm-gateway/shared';
import type { Supervisor } from '../supervisor.ts';
import type { CancelRegistry } from './cancel-registry.ts';
import { EventBatcher } from './event-batcher.ts';
import { FlushClock } from './flush-clock.ts';
import { isCompletionJob } from '@llm-gateway/shared/redis';
import { ReplyPublisher } from './reply-publisher.ts';

/** What the processor reads of a job: a BullMQ job of the shared queue, or a directed one. */
export type QueuedJob = Pick<Job, 'id' | 'name' | 'data' | 'attemptsStarted'>;

export interface JobProcessorOptions {
  supervisor: Pick<Supervisor, 'run'>;
  cancels: CancelRegistry;
  /** Publishes one message on a reply channel (Redis PUBLISH). */
  publish: (channel: string, message: string) => Promise<unknown>;
  /** @defaultValue 4 */
  flushIntervalMs?: number;
  /**
   * How long a finished job waits for its last events to reach Redis before the worker takes the
   * next one (they stay queued on the connection and go out if Redis returns). @defaultValue 2_000
   */
  drainTimeoutMs?: number;
  log?: Logger;
}

/**
 * The BullMQ processor of a supervisor: runs a queued completion job on the supervisor and
 * publishes its events, batched, to the reply channel named by the job (with other jobs' batches
 * of the same turn for the same channel). Backend failures are reported to the client as events;
 * for BullMQ the job then fails, unrecoverably when its input can never succeed. Jobs are never retried after a failure (a retry could answer twice); only
 * BullMQ's stalled-job recovery runs a job again, after its supervisor died.
 */
export function createJobProcessor(options: JobProcessorOptions) {
  const { supervisor, cancels, flushIntervalMs = 4, drainTimeoutMs = 2_000, log } = options;
  const replies = new ReplyPublisher({ publish: options.publish });
  // One clock for every job: their batches flush together, one message per API replica and tick.
  const clock = new FlushClock(flushIntervalMs);
  // Two parameters on purpose: BullMQ then skips its per-job AbortController (measurable at
  // thousands of jobs per second). Shutdown cancels jobs through the cancel registry instead.
  return async (queued: QueuedJob): Promise<null> => {
    const job: unknown = queued.data;
    if (!isCompletionJob(job)) {
      log?.error({ queuedJobId: queued.id }, 'dropping a queued job that is not a completion job');
      throw new UnrecoverableError('The queued job is not a completion job.');
    }
    const channel = queued.name;
    const attempt = Math.max(1, queued.attemptsStarted);
    const controller = cancels.register(job.id);
    const batcher = new EventBatcher({
      clock,
      streaming: job.stream,
      send: async (events) => {
        try {
          await replies.send(channel, { job: job.id, attempt, events });
        } catch (error) {
          // Nobody can hear this job any more: stop it and free its session.
          controller.abort(new GatewayError('backend_unavailable', 'Lost the connection to Redis.'));
          throw error;
        }
      },
    });
    let terminal: JobEvent | undefined;
    try {
      for await (const event of supervisor.run(job, controller.signal)) {
        batcher.push(event);
        if (isTerminalEvent(event)) terminal = event;
      }
      await settleWithin(batcher.close(), drainTimeoutMs);
    } finally {
      cancels.unregister(job.id);
    }
    if (terminal?.type === 'error') {
      const { code, message } = terminal.error;
      if (neverSucceeds(code)) throw new UnrecoverableError(`${code}: ${message}`);
      throw new Error(`${code}: ${message}`);
    }
    return null;
  };
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Errors caused by the request itself: running it again cannot help. */
function neverSucceeds(code: string): boolean {
  const entry = (ERROR_CODES as Record<string, { status: number } | undefined>)[code];
  if (!entry) return false;
  return entry.status >= 400 && entry.status < 500 && entry.status !== 429 && code !== 'client_closed';
}
