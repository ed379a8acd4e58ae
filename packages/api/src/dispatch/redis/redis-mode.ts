import type { Config, Dispatcher, GatewayMetrics, Logger } from '@llm-gateway/shared';
import { createSupervisor, queueConcurrency, startQueueConsumer, type Supervisor, type SupervisorOptions } from '@llm-gateway/supervisor';
import { createDirectLocalDispatcher, createLocalDirectRunner } from '../direct-local-dispatcher.ts';
import { createRedisDispatcher } from './redis-dispatcher.ts';

export interface RedisModeOptions {
  config: Config & { redisUrl: string };
  log: Logger;
  metrics: GatewayMetrics;
  /** `api`: enqueue only. `all`: also run a supervisor here that consumes from Redis. */
  role: 'all' | 'api';
  /** For the embedded supervisor (role `all`). */
  supervisorOptions: SupervisorOptions;
  /** How long start-up waits for Redis before going on without it. @defaultValue 5_000 */
  connectTimeoutMs?: number;
}

export interface RedisMode {
  /** Its `close()` also stops the embedded supervisor, after a grace period for running jobs. */
  dispatcher: Dispatcher;
  supervisor: Supervisor | undefined;
}

/**
 * The gateway over Redis: a Redis dispatcher, and for role `all` a supervisor in the same process
 * that consumes from the same queue (so `pnpm start` with `REDIS_URL` is one member of a cluster).
 * Start-up does not fail when Redis is away: requests get 503 until it is back.
 */
export async function createRedisMode(options: RedisModeOptions): Promise<RedisMode> {
  const { config, log, metrics, role, supervisorOptions, connectTimeoutMs = 5_000 } = options;
  const dispatcher = createRedisDispatcher({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    maxQueueDepth: config.maxQueueDepth,
    noSupervisorGraceMs: config.noSupervisorGraceMs,
    log: log.child({ component: 'redis-dispatcher' }),
    metrics,
  });
  let supervisor: Supervisor | undefined;
  let consumer: Awaited<ReturnType<typeof startQueueConsumer>> | undefined;
  if (role === 'all') {
    supervisor = createSupervisor(supervisorOptions);
    supervisor.start();
    consumer = await startQueueConsumer({
      supervisor,
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      concurrency: queueConcurrency(config),
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      log: log.child({ component: 'queue-consumer' }),
    });
  }
  if (await dispatcher.waitUntilReady(connectTimeoutMs)) {
    await consumer?.heartbeat();
  } else {
    log.warn({ redis: redactUrl(config.redisUrl) }, 'Redis is unreachable; answering 503 until it is back');
  }
  const viaRedis: Dispatcher = {
    ...dispatcher,
    close: async () => {
      await consumer?.close(config.shutdownGraceMs);
      await supervisor?.stop();
      await dispatcher.close();
    },
  };
  // LLM_DIRECT_DISPATCH=local: api/openai jobs run in this replica (direct-local-dispatcher.ts).
  const local = config.directDispatch === 'local' ? createLocalDirectRunner(config, log) : undefined;
  return {
    supervisor,
    dispatcher: local ? createDirectLocalDispatcher({ remote: viaRedis, local, maxRunning: config.directConcurrency, log: log.child({ component: 'direct-dispatch' }) }) : viaRedis,
  };
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[invalid url]';
  }
}
