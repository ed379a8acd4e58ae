import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import {
  createThrottledLogger,
  GatewayError,
  randomId,
  summarizeSessions,
  type CompletionJob,
  type Dispatcher,
  type DispatcherHealth,
  type GatewayMetrics,
  type JobEvent,
  type Logger,
  type SessionInfo,
} from '@llm-gateway/shared';
import {
  QUEUE_NAME,
  closeRedisConnection,
  createRedisConnection,
  readSupervisorRecords,
  redisKeys,
  TurnBatcher,
  type SupervisorRecord,
} from '@llm-gateway/shared/redis';
import { JobInbox } from './job-inbox.ts';
import { QueueAdmission } from './queue-admission.ts';
import { ReplyRouter } from './reply-router.ts';
import { SupervisorWatch } from './supervisor-watch.ts';

export interface RedisDispatcherOptions {
  redisUrl: string;
  /** `REDIS_PREFIX`: every key and channel lives under it. */
  prefix: string;
  /** `LLM_MAX_QUEUE_DEPTH`: past it, requests get 429 `queue_full`. */
  maxQueueDepth: number;
  log: Logger;
  metrics?: GatewayMetrics;
  /** Names this API replica's reply channel; unique per process. @defaultValue host, pid and a random suffix */
  replicaId?: string;
  /** An enqueue slower than this fails the request with 503. @defaultValue 2_000 */
  enqueueTimeoutMs?: number;
  /** How often the queue depth is sampled for admission and the gauge. @defaultValue 100 */
  depthSampleIntervalMs?: number;
}

/** The Redis dispatcher, plus what its owner needs at start-up. */
export interface RedisDispatcher extends Dispatcher {
  readonly replicaId: string;
  /** Resolves true once replies can be received, or false after `timeoutMs` (Redis away). */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
}

const unavailable = (message: string) => new GatewayError('backend_unavailable', message, { retryAfter: 1 });

/**
 * Hands jobs to supervisors through a BullMQ queue on Redis; their events come back on this
 * replica's pub/sub reply channel (see {@link ReplyRouter} for why no event is lost silently).
 * Fails fast with 503 while Redis is away and recovers by itself when it returns.
 */
export function createRedisDispatcher(options: RedisDispatcherOptions): RedisDispatcher {
  const { redisUrl, prefix, maxQueueDepth, log, metrics, enqueueTimeoutMs = 2_000 } = options;
  const replicaId = options.replicaId ?? `${hostname()}-${process.pid}-${randomId(6)}`;
  // Redis going away fails every enqueue in flight at once: one line a second, with the count.
  const enqueueFailures = createThrottledLogger(log);
  const keys = redisKeys(prefix);
  const replyChannel = keys.replyChannel(replicaId);
  const producer = createRedisConnection(redisUrl, { kind: 'fail-fast', name: `api:${replicaId}`, log, commandTimeoutMs: enqueueTimeoutMs });
  const subscriber = createRedisConnection(redisUrl, { kind: 'subscriber', name: `api:${replicaId}:replies`, log });
  const queue = new Queue(QUEUE_NAME, {
    connection: producer,
    prefix,
    // Never retried after a failure: a retry could answer twice. Stalled recovery is the worker's.
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100, age: 3_600 } },
  });
  queue.on('error', (error) => log.debug({ error: error.message }, 'queue error'));
  // The jobs of one event-loop turn go to Redis in one pipelined write (`addBulk`). A job's cancel
  // goes on the same connection after its add: a client's disconnect or deadline is seen in a later
  // event-loop phase than the `setImmediate` that sends the batch.
  const enqueue = new TurnBatcher<{ name: string; data: CompletionJob; opts: { jobId: string } }>({
    // A pipeline costs more than a lone add (ioredis copies every script onto it).
    send: (entries) => (entries.length === 1 ? queue.add(entries[0]!.name, entries[0]!.data, entries[0]!.opts) : queue.addBulk(entries)),
  });
  const router = new ReplyRouter({ subscriber, channel: replyChannel, log });
  const admission = new QueueAdmission({
    count: () => queue.getJobCountByTypes('wait', 'prioritized'),
    maxDepth: maxQueueDepth,
    ...(options.depthSampleIntervalMs === undefined ? {} : { sampleIntervalMs: options.depthSampleIntervalMs }),
    ...(metrics ? { gauge: metrics.queueDepth } : {}),
  });
  const supervisors = new SupervisorWatch({ read: () => readSupervisorRecords(producer, keys) });
  let closed = false;

  const redisUp = () => producer.status === 'ready' && router.ready;

  const cancelRemote = (jobId: string) => {
    // Whichever holds it: a supervisor running it stops it, a queued one is removed.
    producer.publish(keys.cancelChannel, jobId).catch(() => {});
    queue.remove(jobId).catch(() => {});
  };

  const run = (job: CompletionJob, signal: AbortSignal): AsyncIterable<JobEvent> => {
    let enqueued = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () =>
      inbox.fail(signal.reason instanceof GatewayError ? signal.reason : new GatewayError('client_closed', 'The client closed the request.'));
    const inbox: JobInbox = new JobInbox((completed) => {
      router.unregister(job.id);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (!completed && enqueued) cancelRemote(job.id);
    });
    if (signal.aborted) {
      onAbort();
      return inbox;
    }
    if (closed) {
      inbox.fail(unavailable('The gateway is shutting down.'));
      return inbox;
    }
    if (!redisUp()) {
      inbox.fail(unavailable('The job queue (Redis) is unreachable.'));
      return inbox;
    }
    const refusal = supervisors.refusal;
    if (refusal !== undefined) {
      inbox.fail(new GatewayError('backend_unavailable', refusal, { retryAfter: 5 }));
      return inbox;
    }
    if (!admission.tryAdmit()) {
      inbox.fail(
        new GatewayError('queue_full', `Too many requests are waiting (limit ${maxQueueDepth}); retry shortly.`, {
          retryAfter: admission.retryAfterSeconds(),
        }),
      );
      return inbox;
    }
    router.register(job.id, inbox);
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(
      () => inbox.fail(new GatewayError('timeout', 'The request did not finish within its timeout.')),
      Math.max(0, job.deadline - Date.now()),
    );
    enqueued = true;
    // The reply channel (job name) tells the supervisor where to send the events.
    enqueue.add({ name: replyChannel, data: job, opts: { jobId: job.id } }).catch((error: unknown) => {
      enqueueFailures.write('warn', 'enqueue-failed', { jobId: job.id, error: String(error) }, 'could not enqueue the job');
      inbox.fail(unavailable('The job queue (Redis) is unreachable.'));
    });
    return inbox;
  };

  const supervisorRecords = async (): Promise<SupervisorRecord[]> => {
    if (!redisUp()) throw unavailable('The job queue (Redis) is unreachable.');
    return readSupervisorRecords(producer, keys);
  };

  const health = async (): Promise<DispatcherHealth> => {
    let records: SupervisorRecord[];
    try {
      records = await supervisorRecords();
    } catch {
      return { ok: false, mode: 'redis', supervisors: 0, pool: summarizeSessions([]), redis: 'down', reason: 'Redis is unreachable.' };
    }
    const sessions = records.flatMap((record) => record.sessions);
    const healthy = records.filter((record) => record.ok);
    const result: DispatcherHealth = {
      ok: healthy.length > 0,
      mode: 'redis',
      supervisors: records.length,
      pool: summarizeSessions(sessions),
      redis: 'up',
    };
    if (records.length === 0) result.reason = 'No supervisor is alive.';
    else if (healthy.length === 0) result.reason = records.map((record) => `${record.id}: ${record.reason ?? 'unavailable'}`).join('; ');
    return result;
  };

  return {
    mode: 'redis',
    replicaId,
    run,
    waitUntilReady: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      if (!(await router.waitUntilReady(timeoutMs))) return false;
      while (producer.status !== 'ready' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      return redisUp();
    },
    sessions: async (): Promise<SessionInfo[]> => (await supervisorRecords()).flatMap((record) => record.sessions),
    health,
    queueDepth: async () => {
      if (!redisUp()) throw unavailable('The job queue (Redis) is unreachable.');
      return admission.sample();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      admission.stop();
      supervisors.stop();
      router.failAll(unavailable('The gateway is shutting down.'));
      await queue.close().catch(() => {});
      await Promise.all([producer, subscriber].map(closeRedisConnection));
    },
  };
}
