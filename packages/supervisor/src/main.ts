import { ConfigError, createLogger, createMetrics, exitOnConfigError, keyRingFromConfig, loadConfigOrExit } from '@llm-gateway/shared';
import { createStatusApp } from './http/status-app.ts';
import { startStatusServer } from './http/status-server.ts';
import { queueConcurrency, startQueueConsumer } from './queue/queue-consumer.ts';
import { redisKeys } from './queue/protocol.ts';
import { createSupervisor } from './supervisor.ts';

/** The Redis the spec names when `REDIS_URL` is unset. */
const DEFAULT_REDIS_URL = 'redis://localhost:6379';

/**
 * `pnpm start:supervisor`: owns the backend's sessions, takes jobs from the Redis queue, serves
 * its own probes on PORT (default 5006), and leaves the cluster cleanly on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const redisUrl = config.redisUrl ?? DEFAULT_REDIS_URL;
  const log = createLogger({ level: config.logLevel, base: { role: 'supervisor' } });
  // Before anything starts: a bad or duplicated key stops start-up here.
  const keys = keyRingFromConfig(config);
  // A stray rejection from a Redis client must not take the sessions down with it.
  process.on('unhandledRejection', (reason) => log.error({ error: String(reason) }, 'unhandled rejection'));
  const metrics = createMetrics({ defaultLabels: { role: 'supervisor' } });
  const supervisor = createSupervisor({ config, log: log.child({ component: 'supervisor' }), metrics });
  supervisor.start();
  const consumer = await startQueueConsumer({
    supervisor,
    redisUrl,
    prefix: config.redisPrefix,
    concurrency: queueConcurrency(config),
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    log: log.child({ component: 'queue-consumer' }),
  });
  let stopping = false;
  const app = createStatusApp({ supervisor, consumer, metrics, keys, stopping: () => stopping });
  const server = await startStatusServer(app, config);
  log.info(
    { port: server.port, supervisor: supervisor.id, backend: config.backend, poolSize: config.poolSize, queue: redisKeys(config.redisPrefix).prefix },
    'supervisor listening',
  );

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received: leaving the cluster');
    const closed = server.close();
    consumer
      .close(config.shutdownGraceMs)
      .then(() => supervisor.stop())
      .then(() => Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))]))
      .then(
        () => {
          log.info('supervisor stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ error: String(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  // E.g. a backend of the routing table without its settings: a configuration error too.
  if (error instanceof ConfigError) exitOnConfigError(error);
  createLogger().fatal({ error: error instanceof Error ? error.message : String(error) }, 'supervisor failed to start');
  process.exit(1);
});
