import type { Context } from 'hono';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import { backendLabel, servedBackends } from '../routes/operations.ts';
import { GATEWAY_VERSION, PROCESS_STARTED_AT } from './gateway-version.ts';
import { STATUS_PAGE } from './status-page.ts';

/** `GET /status`: everything the status page shows, as JSON. */
export function statusJson(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>) => {
    const [health, sessions, queueDepth] = await Promise.all([
      deps.dispatcher.health(),
      deps.dispatcher.sessions(),
      deps.dispatcher.queueDepth().catch(() => null),
    ]);
    const backends = servedBackends(health, deps.config.backend);
    return c.json({
      // What the live supervisors serve, not this process's LLM_BACKEND.
      backend: backendLabel(backends),
      backends,
      // This API process: the page shows its version and uptime.
      version: GATEWAY_VERSION,
      startedAt: PROCESS_STARTED_AT,
      mode: health.mode,
      ok: health.ok && !deps.lifecycle.draining,
      draining: deps.lifecycle.draining,
      reason: health.reason ?? null,
      redis: health.redis ?? null,
      supervisors: health.supervisors,
      // Each live supervisor: backends, pool configuration, version, startedAt (epoch ms)…
      supervisorRecords: health.supervisorRecords ?? [],
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
