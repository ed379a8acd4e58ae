import type { Hono } from 'hono';
import { startServer, type Config, type RunningServer, type StartServerOptions } from '@llm-gateway/shared';

/** The supervisor's port when `PORT` is unset. */
export const DEFAULT_SUPERVISOR_PORT = 5006;

/**
 * Serves the supervisor's status app with the API's slow-client limits (the same
 * {@link startServer}: headers, whole request, idle keep-alive). `limits` lets tests shorten them.
 */
export function startStatusServer(app: Hono, config: Pick<Config, 'port' | 'host'>, limits: Omit<StartServerOptions, 'port' | 'host'> = {}): Promise<RunningServer> {
  return startServer(app, { ...limits, port: config.port ?? DEFAULT_SUPERVISOR_PORT, host: config.host });
}
