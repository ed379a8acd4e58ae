import { Hono } from 'hono';
import { createMetrics, operatorEndpointGuarded, type Config, type Dispatcher, type GatewayMetrics, type Logger } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv, LifecycleState } from './app-context.ts';
import { errorHandler, methodNotAllowed, notFoundHandler } from './middleware/error-handler.ts';
import { requestId } from './middleware/request-id.ts';
import { createAuthThrottle } from './middleware/auth-throttle.ts';
import { requireOperatorKey, requireTenantKey } from './middleware/authenticate.ts';
import { createTenantGuard, type TenantGuard } from './tenants/tenant-guard.ts';
import { createModelCatalog, type ModelCatalog } from './models/model-catalog.ts';
import { chatCompletions } from './routes/chat-completions.ts';
import { countTokens, messages } from './routes/messages.ts';
import { responses, storedResponse } from './routes/responses.ts';
import { listModels, retrieveModel } from './routes/models.ts';
import { health, live, metrics, ready, sessions } from './routes/operations.ts';
import { RecentActivity } from './status/recent-activity.ts';
import { createMemoryResponseStore, type ResponseStore } from './responses/response-store.ts';
import { statusJson, statusPage } from './status/status-route.ts';

export interface CreateAppOptions {
  config: Config;
  dispatcher: Dispatcher;
  log: Logger;
  /** @defaultValue a fresh registry */
  metrics?: GatewayMetrics;
  /** @defaultValue the configured backend's models */
  catalog?: ModelCatalog;
  /** Shared with the shutdown logic, which sets `draining`. @defaultValue not draining */
  lifecycle?: LifecycleState;
  /** Keys, limits and cache. @defaultValue built from `config`, in memory (the caller closes a given one) */
  tenants?: TenantGuard;
  /** Conversations kept for `previous_response_id`. @defaultValue in memory, bounded as `config` says */
  responseStore?: ResponseStore;
}

/** The HTTP front end: routes, limits and error rendering; no sockets, so tests call `app.request()`. */
export function createApp(options: CreateAppOptions): Hono<GatewayEnv> {
  const metricsRegistry = options.metrics ?? createMetrics();
  const deps: AppDependencies = {
    config: options.config,
    dispatcher: options.dispatcher,
    log: options.log,
    metrics: metricsRegistry,
    catalog: options.catalog ?? createModelCatalog(options.config),
    lifecycle: options.lifecycle ?? { draining: false, inflight: 0 },
    activity: new RecentActivity(),
    tenants: options.tenants ?? createTenantGuard({ config: options.config, log: options.log, metrics: metricsRegistry }),
    responseStore:
      options.responseStore ??
      createMemoryResponseStore({ maxEntries: options.config.responseStoreEntries, ttlSeconds: options.config.responseStoreTtlSeconds }),
  };
  const app = new Hono<GatewayEnv>();
  app.use('*', requestId());
  app.onError(errorHandler(deps.log));
  app.notFound(notFoundHandler);
  // One table for every endpoint: a guesser gains nothing by switching between them.
  const throttle = createAuthThrottle({ failuresPerMinute: options.config.authFailuresPerMinute });
  // Only when configured: an open gateway runs no key check at all.
  if (deps.tenants.keys.enabled) app.use('/v1/*', requireTenantKey(deps.tenants.keys, throttle));
  if (operatorEndpointGuarded(deps.tenants.keys, 'admin')) {
    // `/status` lists the sessions too: it is an operator endpoint like `/sessions`.
    app.use('/sessions', requireOperatorKey(deps.tenants.keys, 'admin', throttle));
    app.use('/status', requireOperatorKey(deps.tenants.keys, 'admin', throttle));
  }
  // Per-tenant series (requests, tokens, cache, rate limits) are for operators, not for tenants.
  if (operatorEndpointGuarded(deps.tenants.keys, 'metrics')) app.use('/metrics', requireOperatorKey(deps.tenants.keys, 'metrics', throttle));

  app.post('/v1/chat/completions', chatCompletions(deps));
  app.post('/v1/messages', messages(deps));
  app.post('/v1/messages/count_tokens', countTokens(deps));
  app.post('/v1/responses', responses(deps));
  app.get('/v1/models', listModels(deps));
  app.get('/v1/models/:model', retrieveModel(deps));
  app.get('/health', health(deps));
  app.get('/livez', live);
  app.get('/readyz', ready(deps));
  app.get('/sessions', sessions(deps));
  app.get('/metrics', metrics(deps));
  app.get('/', statusPage);
  app.get('/status', statusJson(deps));

  // A known path asked with the wrong method is a 405, not a 404.
  for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens', '/v1/responses']) app.all(path, methodNotAllowed(['POST']));
  // Only conversations are kept (for `previous_response_id`), not Response objects to retrieve.
  app.all('/v1/responses/*', storedResponse);
  for (const path of ['/v1/models', '/v1/models/:model', '/health', '/livez', '/readyz', '/sessions', '/metrics', '/', '/status']) {
    app.all(path, methodNotAllowed(['GET']));
  }
  return app;
}
