import type { Context } from 'hono';
import type { DispatcherHealth } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';

/**
 * The backends that serve requests: those of the live supervisors (in split mode the API's own
 * `LLM_BACKEND` says nothing about them), or the API's when the dispatcher does not say.
 */
export function servedBackends(status: DispatcherHealth, fallback: string): string[] {
  return status.backends ?? [fallback];
}

/** {@link servedBackends} as one word for people: `mock`, `cli, api`, or `none` with no supervisor alive. */
export function backendLabel(backends: readonly string[]): string {
  return backends.length === 0 ? 'none' : backends.join(', ');
}

/** `GET /health`: what an operator needs to know, 200 when requests can be served, else 503. */
export function health(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>) => {
    const status = await deps.dispatcher.health();
    const ok = status.ok && !deps.lifecycle.draining;
    const backends = servedBackends(status, deps.config.backend);
    const body = {
      status: ok ? 'ok' : deps.lifecycle.draining ? 'draining' : 'unavailable',
      backend: backendLabel(backends),
      backends,
      mode: status.mode,
      supervisors: status.supervisors,
      pool: status.pool,
      ...(status.redis ? { redis: status.redis } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    };
    return c.json(body, ok ? 200 : 503);
  };
}

/** `GET /livez`: the process is alive (a Kubernetes liveness probe). */
export function live(c: Context<GatewayEnv>) {
  return c.json({ status: 'alive' });
}

/** `GET /readyz`: the process takes new work; fails first on shutdown so traffic moves away. */
export function ready(deps: AppDependencies) {
  return (c: Context<GatewayEnv>) =>
    deps.lifecycle.draining ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ready' });
}

/** `GET /sessions`: every session the dispatcher can see, across supervisors. */
export function sessions(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>) => c.json({ sessions: await deps.dispatcher.sessions() });
}

/** `GET /metrics`: Prometheus text format. */
export function metrics(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>) => {
    const [depth, health] = await Promise.allSettled([deps.dispatcher.queueDepth(), deps.dispatcher.health()]);
    // Redis may be down: the rest of the metrics are still worth scraping.
    if (depth.status === 'fulfilled') deps.metrics.queueDepth.set(depth.value);
    if (health.status === 'fulfilled' && health.value.supervisorRecords) {
      deps.metrics.backendSupervisors.reset();
      for (const record of health.value.supervisorRecords) {
        for (const backend of record.backends ?? [record.backend]) deps.metrics.backendSupervisors.inc({ backend });
      }
    }
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  };
}
