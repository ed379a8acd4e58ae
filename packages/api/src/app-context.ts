import type { Config, Dispatcher, GatewayMetrics, Logger } from '@llm-gateway/shared';
import type { ModelCatalog } from './models/model-catalog.ts';
import type { TenantGuard } from './tenants/tenant-guard.ts';
import type { RecentActivity } from './status/recent-activity.ts';
import type { ResponseStore } from './responses/response-store.ts';

/** Values the middleware puts on each request's context. */
export interface GatewayEnv {
  Variables: {
    requestId: string;
    /** The tenant the API key belongs to; `anonymous` when the gateway is open. */
    tenant: string;
  };
}

/** Whether the gateway still takes new work: false once shutdown has begun. */
export interface LifecycleState {
  draining: boolean;
  /** Chat completions being answered now; shutdown waits for them. */
  inflight: number;
}

/** Everything the routes need, built once per process. */
export interface AppDependencies {
  config: Config;
  dispatcher: Dispatcher;
  log: Logger;
  metrics: GatewayMetrics;
  catalog: ModelCatalog;
  lifecycle: LifecycleState;
  /** Recent completions of this replica, for the status page. */
  activity: RecentActivity;
  /** API keys, per-tenant limits, token estimates and the response cache. */
  tenants: TenantGuard;
  /** Responses API conversations kept per tenant for `previous_response_id`. */
  responseStore: ResponseStore;
}
