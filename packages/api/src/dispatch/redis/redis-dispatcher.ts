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
import { ParkedTurnRouting, SHARED_TARGET, type JobTarget } from './parked-turn-routing.ts';
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
  /** `LLM_NO_SUPERVISOR_GRACE`: with no supervisor alive, jobs wait this long, then get 503. @defaultValue 5_000 */
  noSupervisorGraceMs?: number;
  /** How often the supervisor registry is read. @defaultValue 1_000 */
  registrySampleIntervalMs?: number;
}

/** One job this replica waits for: where it went, under which id (a redirected job gets a new one). */
interface Flight {
  id: string;
  readonly job: CompletionJob;
  target: JobTarget;
  readonly inbox: JobInbox;
}

/** The Redis dispatcher, plus what its owner needs at start-up. */
export interface RedisDispatcher extends Dispatcher {
  readonly replicaId: string;
  /** Resolves true once replies can be received, or false after `timeoutMs` (Redis away). */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
}

const unavailable = (message: string) => new GatewayError('backend_unavailable', message, { retryAfter: 1 });
const interrupted = () => new GatewayError('job_interrupted', 'The supervisor running this request stopped mid-answer; the partial answer cannot be resumed.');

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
  const flights = new Set<Flight>();
  const supervisors: SupervisorWatch = new SupervisorWatch({
    read: () => readSupervisorRecords(producer, keys),
    ...(options.noSupervisorGraceMs === undefined ? {} : { noSupervisorGraceMs: options.noSupervisorGraceMs }),
    ...(options.registrySampleIntervalMs === undefined ? {} : { sampleIntervalMs: options.registrySampleIntervalMs }),
    onSample: () => reviewFlights(),
  });
  const parkedTurns = new ParkedTurnRouting({ redis: producer, keys, isAlive: (id) => supervisors.isAlive(id) });
  let closed = false;

  const redisUp = () => producer.status === 'ready' && router.ready;

  const cancelRemote = (jobId: string, target: JobTarget) => {
    // Whichever holds it: a supervisor running it stops it, a queued one is removed.
    producer.publish(keys.cancelChannel, jobId).catch(() => {});
    if (target.kind === 'shared') queue.remove(jobId).catch(() => {});
    else parkedTurns.withdraw(target);
  };

  const enqueueShared = (flight: Flight) => {
    const data = flight.id === flight.job.id ? flight.job : { ...flight.job, id: flight.id };
    // The reply channel (job name) tells the supervisor where to send the events.
    enqueue.add({ name: replyChannel, data, opts: { jobId: flight.id } }).catch((error: unknown) => {
      enqueueFailures.write('warn', 'enqueue-failed', { jobId: flight.id, error: String(error) }, 'could not enqueue the job');
      flight.inbox.fail(unavailable('The job queue (Redis) is unreachable.'));
    });
  };

  // A follow-up goes to the supervisor holding its parked turn when there is one, else to the
  // shared queue. Looked up only for jobs that end in tool results: the rest cost nothing more.
  const dispatch = async (flight: Flight) => {
    const holder = await parkedTurns.holderOf(flight.job);
    if (flight.inbox.over) return;
    if (holder === undefined) return enqueueShared(flight);
    try {
      flight.target = await parkedTurns.send(holder, replyChannel, flight.job);
    } catch {
      return enqueueShared(flight);
    }
    if (flight.inbox.over) cancelRemote(flight.id, flight.target);
  };

  /**
   * After each registry sample: a job sent to a holder that has died before it produced output
   * runs again on the shared queue, under a new id so that nothing the old holder may still send
   * is mixed in (from its history: the parked turn died with the holder); one with output ends
   * with `job_interrupted`. Once no supervisor has been alive for the grace, waiting jobs get 503.
   */
  const reviewFlights = () => {
    const refusal = supervisors.graceOver ? supervisors.refusal : undefined;
    for (const flight of [...flights]) {
      if (refusal !== undefined) {
        flight.inbox.fail(flight.inbox.outputSeen ? interrupted() : new GatewayError('backend_unavailable', refusal, { retryAfter: 5 }));
        continue;
      }
      if (flight.target.kind !== 'direct' || supervisors.isAlive(flight.target.holder)) continue;
      if (flight.inbox.outputSeen) {
        flight.inbox.fail(interrupted());
        continue;
      }
      log.warn({ jobId: flight.job.id, holder: flight.target.holder }, 'the supervisor holding the parked turn is gone: serving the follow-up from its history');
      cancelRemote(flight.id, flight.target);
      router.unregister(flight.id);
      flight.id = `${flight.job.id}-r${randomId(4)}`;
      flight.target = SHARED_TARGET;
      router.register(flight.id, flight.inbox);
      enqueueShared(flight);
    }
  };

  const run = (job: CompletionJob, signal: AbortSignal): AsyncIterable<JobEvent> => {
    let enqueued = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () =>
      inbox.fail(signal.reason instanceof GatewayError ? signal.reason : new GatewayError('client_closed', 'The client closed the request.'));
    const inbox: JobInbox = new JobInbox((completed) => {
      flights.delete(flight);
      router.unregister(flight.id);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (!completed && enqueued) cancelRemote(flight.id, flight.target);
    });
    const flight: Flight = { id: job.id, job, target: SHARED_TARGET, inbox };
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
    flights.add(flight);
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(
      () => inbox.fail(new GatewayError('timeout', 'The request did not finish within its timeout.')),
      Math.max(0, job.deadline - Date.now()),
    );
    enqueued = true;
    if (job.request.messages.at(-1)?.role === 'tool') void dispatch(flight);
    else enqueueShared(flight);
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
      return { ok: false, mode: 'redis', supervisors: 0, backends: [], supervisorRecords: [], pool: summarizeSessions([]), redis: 'down', reason: 'Redis is unreachable.' };
    }
    const sessions = records.flatMap((record) => record.sessions);
    const healthy = records.filter((record) => record.ok);
    const result: DispatcherHealth = {
      ok: healthy.length > 0,
      mode: 'redis',
      supervisors: records.length,
      // Records of older supervisors may lack `backends`: their default backend stands in.
      backends: [...new Set(records.flatMap((record) => record.backends ?? [record.backend]))],
      supervisorRecords: records.map(({ sessions: _sessions, ...info }) => info),
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
