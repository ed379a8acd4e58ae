import type { Hono } from 'hono';
import { ConfigError, createMetrics, type Config, type Dispatcher, type GatewayMetrics, type Logger } from '@llm-gateway/shared';
import { createInProcessDispatcher, createSupervisor, type SupervisedBackend, type Supervisor } from '@llm-gateway/supervisor';
import { createApp } from './app.ts';
import { createRedisMode } from './dispatch/redis/redis-mode.ts';
import { createTenantGuard } from './tenants/tenant-guard.ts';
import { configuredResponseStore } from './responses/configured-response-store.ts';
import type { GatewayEnv, LifecycleState } from './app-context.ts';

export interface CreateGatewayOptions {
  config: Config;
  log: Logger;
  /** @defaultValue `config.role` */
  role?: 'all' | 'api';
  metrics?: GatewayMetrics;
  /** Overrides the configured backend of the embedded supervisor (tests). */
  backend?: SupervisedBackend;
}

/** One process's gateway: the app, the dispatcher it hands jobs to, and the supervisor it embeds. */
export interface Gateway {
  app: Hono<GatewayEnv>;
  dispatcher: Dispatcher;
  /** Present when this process runs sessions itself (role `all`). */
  supervisor: Supervisor | undefined;
  lifecycle: LifecycleState;
  metrics: GatewayMetrics;
  /** Stops the supervisor's sessions and closes connections. */
  close(): Promise<void>;
}

/**
 * Wires a gateway from configuration. Without `REDIS_URL`, API and supervisor share this process
 * and an in-process dispatcher. With it, jobs go through Redis: role `api` only enqueues, role
 * `all` also runs a supervisor that consumes from Redis.
 */
export async function createGateway(options: CreateGatewayOptions): Promise<Gateway> {
  const { config, log } = options;
  const role = options.role ?? (config.role === 'api' ? 'api' : 'all');
  const metrics = options.metrics ?? createMetrics({ defaultLabels: { role } });
  const lifecycle: LifecycleState = { draining: false, inflight: 0 };
  // Before anything starts: a bad key list or limit stops start-up here.
  const tenants = createTenantGuard({ config, log, metrics, redisUrl: config.redisUrl });
  if (!tenants.keys.enabled) log.warn('no API keys configured (LLM_API_KEYS): /v1 is open to anyone who can reach it');
  const supervisorOptions = { config, log: log.child({ component: 'supervisor' }), metrics, ...(options.backend ? { backend: options.backend } : {}) };

  let dispatcher: Dispatcher;
  let supervisor: Supervisor | undefined;
  if (config.redisUrl === undefined) {
    if (role === 'api') throw new ConfigError('REDIS_URL', 'is required for LLM_ROLE=api (the API hands jobs to supervisors through Redis)');
    supervisor = createSupervisor(supervisorOptions);
    supervisor.start();
    dispatcher = createInProcessDispatcher(supervisor);
  } else {
    ({ dispatcher, supervisor } = await createRedisMode({
      config: { ...config, redisUrl: config.redisUrl },
      log,
      metrics,
      role,
      supervisorOptions,
    }));
  }
  const responses = configuredResponseStore(config, log);
  const app = createApp({ config, dispatcher, log, metrics, lifecycle, tenants, responseStore: responses.store });
  return {
    app,
    dispatcher,
    supervisor,
    lifecycle,
    metrics,
    close: async () => {
      await dispatcher.close();
      await tenants.close();
      await responses.close();
    },
  };
}
