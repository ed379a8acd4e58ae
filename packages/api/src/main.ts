import { ConfigError, createLogger, exitOnConfigError, loadConfigOrExit } from '@llm-gateway/shared';
import { createGateway } from './gateway.ts';
import { startServer } from '@llm-gateway/shared';
import { shutDownGracefully } from './shutdown.ts';

/**
 * `pnpm start` (API and supervisor in one process; over Redis when REDIS_URL is set) and
 * `pnpm start:api` (LLM_ROLE=api: the HTTP front end only).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const role = config.role === 'api' ? 'api' : 'all';
  const log = createLogger({ level: config.logLevel, base: { role } });
  const gateway = await createGateway({ config, log, role });
  const server = await startServer(gateway.app, { port: config.port ?? 5005, host: config.host });
  log.info({ url: server.url, backend: config.backend, mode: gateway.dispatcher.mode, poolSize: config.poolSize }, 'llm-gateway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received');
    shutDownGracefully({
      lifecycle: gateway.lifecycle,
      graceMs: config.shutdownGraceMs,
      closeServer: server.close,
      closeGateway: gateway.close,
      log,
    }).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A stray rejection (e.g. from a Redis client during a reconnect) is logged, never fatal: one
  // bad promise must not take every in-flight request down with the process.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) exitOnConfigError(error);
  createLogger().fatal({ err: error }, 'llm-gateway failed to start');
  process.exit(1);
});
