import type { Context } from 'hono';
import { tableBackends, type Config } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import { GATEWAY_VERSION, PROCESS_STARTED_AT } from './gateway-version.ts';
import { STATUS_PAGE } from './status-page.ts';

/** The backends that run on a pool of warm sessions (the others call an upstream directly). */
const POOLED_BACKENDS: ReadonlySet<string> = new Set(['cli', 'mock']);

/** What the supervisor in this process hosts (role `all` without Redis), from the configuration. */
function embeddedSupervisor(config: Config) {
  const backends = tableBackends(config.modelTable, config.backend);
  return {
    backends,
    pool: backends.filter((name) => POOLED_BACKENDS.has(name)).map((backend) => ({ backend, size: config.poolSize, maxOverflow: config.maxOverflow })),
  };
}

/** `GET /status`: everything the status page shows, as JSON. */
export function statusJson(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>) => {
    const [health, sessions, queueDepth] = await Promise.all([
      deps.dispatcher.health(),
      deps.dispatcher.sessions(),
      deps.dispatcher.queueDepth().catch(() => null),
    ]);
    return c.json({
      // This API process: the page shows its version and uptime.
      version: GATEWAY_VERSION,
      startedAt: PROCESS_STARTED_AT,
      embedded: health.mode === 'in-process' ? embeddedSupervisor(deps.config) : null,
      backend: deps.config.backend,
      mode: health.mode,
      ok: health.ok && !deps.lifecycle.draining,
      draining: deps.lifecycle.draining,
      reason: health.reason ?? null,
      redis: health.redis ?? null,
      supervisors: health.supervisors,
      queueDepth,
      inflight: deps.lifecycle.inflight,
      activity: deps.activity.summary(),
      sessions,
    });
  };
}

/** `GET /`: the operator's status page (static HTML that polls `/status`). */
export function statusPage(c: Context<GatewayEnv>) {
  c.header('cache-control', 'no-store');
  c.header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
  return c.html(STATUS_PAGE);
}
