import { Worker } from 'bullmq';
import { createThrottledLogger, GatewayError, isPooledBackend, quotePrefix, tableBackends, type Config, type Logger } from '@llm-gateway/shared';
import type { Supervisor } from '../supervisor.ts';
import { CancelRegistry } from './cancel-registry.ts';
import { startDirectIntake } from './direct-intake.ts';
import { JobIntake } from './job-intake.ts';
import { ParkedTurnRegistry } from './parked-turn-registry.ts';
import { createJobProcessor } from './job-processor.ts';
import {
  QUEUE_NAME,
  closeRedisConnection,
  createRedisConnection,
  redisKeys,
  startRegistryHeartbeat,
  type SupervisorRecord,
} from '@llm-gateway/shared/redis';

export interface QueueConsumerOptions {
  supervisor: Supervisor;
  redisUrl: string;
  /** `REDIS_PREFIX`. */
  prefix: string;
  /** Jobs taken from the queue at once; see {@link queueConcurrency}. */
  concurrency: number;
  /**
   * `LLM_HEARTBEAT_INTERVAL`: registry heartbeat, stalled-job check period; the job lock lasts
   * 2.5 heartbeats. A killed supervisor's jobs run again elsewhere within ~3–4 heartbeats.
   * @defaultValue 2_000
   */
  heartbeatIntervalMs?: number;
  /** How long events wait to be batched into one Redis message. @defaultValue 4 */
  flushIntervalMs?: number;
  /**
   * After a session changes status, the record is published again within this, so the API's
   * `/sessions` follows a job rather than lag it by a heartbeat. @defaultValue 50
   */
  sessionChangeDebounceMs?: number;
  log: Logger;
}

/** A supervisor's link to the cluster: takes jobs from Redis, answers through Redis, heartbeats. */
export interface QueueConsumer {
  /** Whether the consumer's Redis connections are up. */
  redisUp(): boolean;
  /** Jobs taken from the queue and not finished yet. */
  running(): number;
  /** Publishes the registry record now (e.g. right after start, for tests and probes). */
  heartbeat(): Promise<void>;
  /**
   * Leaves the cluster: the registry record goes at once, no new job is taken, running jobs get
   * `graceMs` to finish and are then cancelled. Does not stop the supervisor.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * BullMQ workers per supervisor. One worker takes jobs one Redis round trip at a time (it awaits
 * each fetch before the next), which capped a supervisor of the stateless api backend below what
 * its CPU could serve (`pnpm bench -- api`, split mode: the machine stayed a quarter idle). Several
 * workers in one process fetch in parallel; they share the Redis connection, each adds a blocking one.
 */
const MAX_FETCH_LOOPS = 4;

/** `total` jobs shared among at most `parts` workers, as evenly as whole numbers allow (none empty). */
export function splitConcurrency(total: number, parts: number): number[] {
  const count = Math.max(1, Math.min(parts, total));
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, index) => base + (index < total % count ? 1 : 0));
}

/**
 * Jobs a supervisor takes at once: the sessions (warm and overflow) of each pooled backend it
 * hosts (taking more would park jobs in this supervisor's pool while another supervisor has free
 * sessions), plus `LLM_DIRECT_CONCURRENCY` for the stateless ones together: an upstream stream
 * costs memory, not a session, and a fixed 32 left streams waiting in the queue (issue 15). The
 * queue bound (`LLM_MAX_QUEUE_DEPTH`, on the API) still refuses what no supervisor can take.
 */
export function queueConcurrency(config: Config): number {
  let total = 0;
  let direct = false;
  for (const name of tableBackends(config.modelTable, config.backend)) {
    if (isPooledBackend(name)) total += config.poolSize + config.maxOverflow;
    else direct = true;
  }
  return Math.max(1, total + (direct ? config.directConcurrency : 0));
}

/** Connects a supervisor to the Redis queue and starts consuming. */
export async function startQueueConsumer(options: QueueConsumerOptions): Promise<QueueConsumer> {
  const { supervisor, redisUrl, prefix, concurrency, heartbeatIntervalMs = 2_000, flushIntervalMs = 4, sessionChangeDebounceMs = 50, log } = options;
  const keys = redisKeys(prefix);
  const name = `supervisor:${supervisor.id}`;
  const workerConnection = createRedisConnection(redisUrl, { kind: 'wait', name, log });
  const publisher = createRedisConnection(redisUrl, { kind: 'wait', name: `${name}:publish`, log });
  const cancelSubscriber = createRedisConnection(redisUrl, { kind: 'subscriber', name: `${name}:cancel`, log });
  const cancels = new CancelRegistry();
  publisher.on('close', () => {
    if (cancels.size === 0) return;
    // The API replicas lost Redis too and have failed these jobs: stop them and free the sessions.
    // Their terminal events still go out (in order) if Redis comes back.
    log.warn({ jobs: cancels.size }, 'lost Redis: cancelling the running jobs');
    cancels.abortAll(new GatewayError('backend_unavailable', 'The supervisor lost its connection to Redis.', { retryAfter: 1 }));
  });

  cancelSubscriber.on('ready', () => {
    cancelSubscriber.subscribe(keys.cancelChannel).catch(() => {});
  });
  cancelSubscriber.on('message', (_channel: string, jobId: string) => {
    if (cancels.cancel(jobId)) log.debug({ jobId }, 'job cancelled by the API');
  });

  const processor = createJobProcessor({
    supervisor,
    cancels,
    publish: (channel, message) => publisher.publish(channel, message),
    flushIntervalMs,
    log,
  });
  // BullMQ reports every failed command while Redis is away: one line per kind per second, counted.
  const workerErrors = createThrottledLogger(log);
  const workers = splitConcurrency(concurrency, MAX_FETCH_LOOPS).map((share) => {
    const worker = new Worker(QUEUE_NAME, processor, {
      connection: workerConnection,
      prefix,
      name: supervisor.id,
      concurrency: share,
      lockDuration: Math.max(1_000, Math.round(heartbeatIntervalMs * 2.5)),
      stalledInterval: Math.max(250, heartbeatIntervalMs),
      // One recovery after a supervisor died; a job that kills supervisors twice is dropped.
      maxStalledCount: 1,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 100, age: 3_600 },
    });
    worker.on('error', (error) => workerErrors.write('warn', quotePrefix(error.message), { error: error.message }, 'queue worker error'));
    worker.on('stalled', (jobId) => log.warn({ jobId }, 'a job of a dead supervisor is queued again'));
    return worker;
  });

  const intake = new JobIntake(workers, () => supervisor.canTakeJobs(), log);
  // Checked every second at most: a broken supervisor stops taking jobs (and a mended one starts
  // again) within about that, and tells the API replicas at once rather than at the next heartbeat.
  const intakeTimer = setInterval(() => {
    const before = intake.accepting;
    intake.sync(() => supervisor.health().reason);
    if (intake.accepting !== before) void heartbeat.beat();
  }, Math.min(1_000, heartbeatIntervalMs));
  intakeTimer.unref();

  // Follow-ups for the turns parked here come on a list of this supervisor's own.
  const parkedTurns = new ParkedTurnRegistry(publisher, keys, supervisor.id, log);
  const direct = startDirectIntake({ redisUrl, key: keys.directQueue(supervisor.id), process: processor, name: `${name}:direct`, log });

  const identity = supervisor.describe();
  const record = (): SupervisorRecord => {
    const health = supervisor.health();
    return {
      ...identity,
      heartbeatAt: new Date().toISOString(),
      ok: health.ok,
      ...(health.reason ? { reason: health.reason } : {}),
      running: cancels.size,
      accepting: intake.accepting,
      concurrency,
      sessions: supervisor.sessions(),
    };
  };
  const heartbeat = startRegistryHeartbeat({ redis: publisher, keys, intervalMs: heartbeatIntervalMs, record, log });
  // Announce at once when Redis (re)appears, rather than up to a heartbeat later.
  publisher.on('ready', () => void heartbeat.beat());
  const sessionBeat = debounce(() => void heartbeat.beat(), sessionChangeDebounceMs);
  const unwatch = supervisor.watch({ sessionsChanged: sessionBeat.schedule, parkChanged: (change) => parkedTurns.apply(change) });

  let closing: Promise<void> | undefined;
  const close = async (graceMs = 10_000) => {
    clearInterval(intakeTimer);
    unwatch();
    sessionBeat.cancel();
    intake.stop();
    await heartbeat.stop();
    await parkedTurns.clear();
    const closed = Promise.all([...workers.map((worker) => worker.close()), direct.close()]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), graceMs)));
    if ((await Promise.race([closed.then(() => 'closed' as const), expired])) === 'expired') {
      cancels.abortAll(new GatewayError('backend_unavailable', 'The supervisor is shutting down.'));
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    }
    clearTimeout(timer);
    await Promise.all([workerConnection, publisher, cancelSubscriber].map(closeRedisConnection));
  };

  return {
    redisUp: () => publisher.status === 'ready' && workerConnection.status === 'ready',
    running: () => cancels.size,
    heartbeat: () => heartbeat.beat(),
    close: (graceMs) => (closing ??= close(graceMs)),
  };
}

/** Runs `action` once, `delayMs` after the first of a burst of calls. */
function debounce(action: () => void, delayMs: number): { schedule: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule: () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        action();
      }, delayMs);
      timer.unref?.();
    },
    cancel: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
