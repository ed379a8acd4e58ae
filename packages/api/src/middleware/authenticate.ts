import type { Context, MiddlewareHandler } from 'hono';
import { GatewayError } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import { ADMIN, bearerToken, type KeyRing } from '@llm-gateway/shared';
import { clientAddress, tooManyFailuresError, type AuthThrottle } from './auth-throttle.ts';

// The messages never echo what was presented: it may be a real key sent to the wrong place.
const missingKey = () =>
  new GatewayError('invalid_api_key', "You didn't provide an API key. Send it in the Authorization header as 'Bearer <key>' (or in x-api-key).");
const wrongKey = () => new GatewayError('invalid_api_key', 'Incorrect API key provided.');

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
    if (token === undefined) throw failed(c, throttle, missingKey());
    const owner = keys.identify(token);
    if (owner === undefined || owner === ADMIN) throw failed(c, throttle, wrongKey());
    c.set('tenant', owner);
    await next();
  };
}

/**
 * Operator endpoints (`/sessions`): the admin key (`LLM_ADMIN_KEY`) is required; a tenant key gets
 * 403. Without an admin key they are open only while the gateway is open (no tenant keys either):
 * once tenants have keys, an unset admin key closes them rather than exposing them to everyone.
 * A missing or unknown key counts as a failed authentication; a tenant key does not.
 */
export function requireAdminKey(keys: KeyRing, throttle: AuthThrottle): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) throw failed(c, throttle, missingKey());
    const owner = keys.identify(token);
    if (owner === ADMIN) return next();
    if (owner === undefined) throw failed(c, throttle, wrongKey());
    throw new GatewayError(
      'permission_denied',
      keys.hasAdminKey ? 'This endpoint needs the admin key; a tenant key is not enough.' : 'This endpoint needs the admin key, and none is configured.',
    );
  };
}

/** Whether operator endpoints need the admin key under this configuration. */
export function adminEndpointsGuarded(keys: KeyRing): boolean {
  return keys.hasAdminKey || keys.enabled;
}
