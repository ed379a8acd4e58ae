import { Counter, type Registry } from 'prom-client';

/** Usage per tenant. Label values are bounded: tenants come from configuration, models from the catalog. */
export interface TenantMetrics {
  /** Chat completions by tenant, model and HTTP status (errors are the non-2xx ones). */
  requests: Counter<'tenant' | 'model' | 'status'>;
  /** Requests refused by a rate limit, by tenant and which limit. */
  rateLimited: Counter<'tenant' | 'limit'>;
  /** Cache lookups that found nothing (hits are `llm_cache_hits_total`). */
  cacheMisses: Counter<'tenant'>;
}

const byRegistry = new WeakMap<Registry, TenantMetrics>();

/** The tenant metrics on a registry, created once per registry (a registry refuses a name twice). */
export function tenantMetrics(registry: Registry): TenantMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: TenantMetrics = {
    requests: new Counter({
      name: 'llm_tenant_requests_total',
      help: 'Chat completion requests by tenant, model and HTTP status.',
      labelNames: ['tenant', 'model', 'status'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'llm_rate_limited_total',
      help: 'Requests refused by a per-tenant rate limit, by tenant and limit (requests, tokens).',
      labelNames: ['tenant', 'limit'],
      registers,
    }),
    cacheMisses: new Counter({
      name: 'llm_cache_misses_total',
      help: 'Response cache lookups that found no answer.',
      labelNames: ['tenant'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
