import type { MiddlewareHandler } from 'hono';
import { bearerToken, missingKeyError, operatorAccessError, wrongKeyError, type KeyRing, type OperatorScope } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';

/**
 * `/v1/*` when tenant keys are configured: a tenant key is required, and names the tenant the
 * request is counted, limited and cached for. Installed only when keys exist, so an open gateway
 * pays nothing for it.
 */
export function requireTenantKey(keys: KeyRing): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) throw missingKeyError();
    const owner = keys.identify(token);
    // The admin and metrics keys are operators', never a tenant's.
    if (typeof owner !== 'string') throw wrongKeyError();
    c.set('tenant', owner);
    await next();
  };
}

/**
 * Operator endpoints: `admin` (`/sessions`, `/status`) needs `LLM_ADMIN_KEY`; `metrics`
 * (`/metrics`) takes it or `LLM_METRICS_KEY`; a tenant key gets 403. The rules are shared with
 * the supervisor ({@link operatorAccessError}). Install it only where `operatorEndpointGuarded`
 * says so: an open gateway runs no check.
 */
export function requireOperatorKey(keys: KeyRing, scope: OperatorScope): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const error = operatorAccessError(keys, c.req.header('authorization'), scope);
    if (error) throw error;
    await next();
  };
}
