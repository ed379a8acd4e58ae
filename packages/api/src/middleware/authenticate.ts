import type { Context, MiddlewareHandler } from 'hono';
import { bearerToken, missingKeyError, operatorAccessError, wrongKeyError, type GatewayError, type KeyRing, type OperatorScope } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import { clientAddress, tooManyFailuresError, type AuthThrottle } from './auth-throttle.ts';

/**
 * The key a request presents: `Authorization: Bearer <key>` as OpenAI's clients send it, else
 * `x-api-key` as Anthropic's do (Claude Code with `ANTHROPIC_API_KEY`). The same tenant keys either way.
 */
export function presentedKey(c: Context): string | undefined {
  const bearer = bearerToken(c.req.header('authorization'));
  if (bearer !== undefined) return bearer;
  const apiKey = c.req.header('x-api-key')?.trim();
  return apiKey === undefined || apiKey === '' ? undefined : apiKey;
}

/**
 * The error for a failed authentication from the request's address: 401, or 429 once the address
 * has failed too often. Only failures reach it, so a valid key never waits on the throttle.
 */
function failed(c: Context, throttle: AuthThrottle, error: GatewayError): GatewayError {
  const address = clientAddress(c);
  const wait = throttle.retryAfterMs(address);
  if (wait > 0) return tooManyFailuresError(wait);
  throttle.fail(address);
  return error;
}

/**
 * `/v1/*` when tenant keys are configured: a tenant key ({@link presentedKey}) is required, and
 * names the tenant the request is counted, limited and cached for. Installed only when keys exist, so an open gateway
 * pays nothing for it. Failures are throttled per client address.
 */
export function requireTenantKey(keys: KeyRing, throttle: AuthThrottle): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = presentedKey(c);
    if (token === undefined) throw failed(c, throttle, missingKeyError(true));
    const owner = keys.identify(token);
    // The admin and metrics keys are operators', never a tenant's.
    if (typeof owner !== 'string') throw failed(c, throttle, wrongKeyError());
    c.set('tenant', owner);
    await next();
  };
}

/**
 * Operator endpoints: `admin` (`/sessions`, `/status`) needs `LLM_ADMIN_KEY`; `metrics`
 * (`/metrics`) takes it or `LLM_METRICS_KEY`; a tenant key gets 403. The rules are shared with
 * the supervisor ({@link operatorAccessError}). Install it only where `operatorEndpointGuarded`
 * says so: an open gateway runs no check. A missing or unknown key counts as a failed
 * authentication; a tenant key does not.
 */
export function requireOperatorKey(keys: KeyRing, scope: OperatorScope, throttle: AuthThrottle): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const error = operatorAccessError(keys, c.req.header('authorization'), scope);
    if (error) throw error.code === 'invalid_api_key' ? failed(c, throttle, error) : error;
    await next();
  };
}
