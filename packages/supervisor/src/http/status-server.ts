import type { Hono } from 'hono';
import { startServer, type Config, type RunningServer, type StartServerOptions } from '@llm-gateway/shared';

/**
 * Serves the supervisor's status app on `PORT` (5006 by default) with the API's slow-client
 * limits (the same {@link startServer}: headers, whole request, idle keep-alive). `limits` lets
 * tests shorten them.
 */
export function startStatusServer(app: Hono, config: Pick<Config, 'port' | 'host'>, limits: Omit<StartServerOptions, 'port' | 'host'> = {}): Promise<RunningServer> {
  return startServer(app, { ...limits, port: config.port ?? 5006, host: config.host });
}
