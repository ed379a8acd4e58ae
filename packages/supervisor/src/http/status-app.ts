import { Hono } from 'hono';
import { invalidUrlError, methodNotAllowedError, type GatewayMetrics, type KeyRing } from '@llm-gateway/shared';
import { requireOperatorKey } from './operator-guard.ts';
import { refuseBody } from './refuse-body.ts';
import type { QueueConsumer } from '../queue/queue-consumer.ts';
import type { Supervisor } from '../supervisor.ts';

export interface StatusAppOptions {
  supervisor: Supervisor;
  consumer: Pick<QueueConsumer, 'redisUp' | 'running'>;
  metrics: GatewayMetrics;
  /** Tenant, admin and metrics keys: `/sessions` and `/metrics` need an operator's key once keys are configured. */
  keys: KeyRing;
  /** True once shutdown began: readiness fails first so nothing new is routed here. */
  stopping: () => boolean;
}

/**
 * The supervisor process's own probes: `/health` (pool and Redis; 503 when no job could run
 * here), `/livez`, `/readyz`, `/metrics` and its local `/sessions`. Any other path (`/`
 * included) gets the API's answer to an unknown route: 404, `Invalid URL (GET /)`.
 */
export function createStatusApp(options: StatusAppOptions): Hono {
  const { supervisor, consumer, metrics, keys, stopping } = options;
  const app = new Hono();
  app.notFound((c) => c.json(invalidUrlError(c.req.method, c.req.path).toBody(), 404));
  app.use('*', refuseBody());
  app.get('/health', (c) => {
    const health = supervisor.health();
    const redis = consumer.redisUp() ? 'up' : 'down';
    const ok = health.ok && redis === 'up' && !stopping();
    const reason = stopping() ? 'shutting down' : redis === 'down' ? 'Redis is unreachable.' : health.reason;
    return c.json(
      {
        status: ok ? 'ok' : stopping() ? 'draining' : 'unavailable',
        role: 'supervisor',
        supervisor: supervisor.id,
        backend: supervisor.backendName,
        redis,
        running: consumer.running(),
        pool: health.pool,
        ...(ok || !reason ? {} : { reason }),
      },
      ok ? 200 : 503,
    );
  });
  app.get('/livez', (c) => c.json({ status: 'alive' }));
  app.get('/readyz', (c) => {
    const ready = !stopping() && consumer.redisUp();
    return c.json({ status: ready ? 'ready' : stopping() ? 'draining' : 'unavailable' }, ready ? 200 : 503);
  });
  app.get('/sessions', requireOperatorKey(keys, 'admin'), (c) => c.json({ sessions: supervisor.sessions() }));
  app.get('/metrics', requireOperatorKey(keys, 'metrics'), async (c) => {
    c.header('content-type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
  for (const path of ['/health', '/livez', '/readyz', '/sessions', '/metrics']) {
    app.all(path, (c) => {
      c.header('allow', 'GET');
      return c.json(methodNotAllowedError(c.req.method, c.req.path, ['GET']).toBody(), 405);
    });
  }
  return app;
}
