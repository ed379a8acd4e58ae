import type { MiddlewareHandler } from 'hono';
import { ADMIN, GatewayError, bearerToken, type KeyRing } from '@llm-gateway/shared';

/**
 * The supervisor's operator endpoints (`/sessions`) follow the API's rule: with an admin key
 * configured it is required (a tenant key gets 403); with tenant keys but no admin key they are
 * closed; with neither, the gateway is open and so are they.
 */
export function requireAdmin(keys: KeyRing): MiddlewareHandler {
  const guarded = keys.hasAdminKey || keys.enabled;
  return async (c, next) => {
    if (!guarded) return next();
    const token = bearerToken(c.req.header('authorization'));
    const owner = token === undefined ? undefined : keys.identify(token);
    if (owner === ADMIN) return next();
    const error =
      owner === undefined
        ? new GatewayError('invalid_api_key', 'This endpoint needs the admin key.')
        : new GatewayError('permission_denied', 'This endpoint needs the admin key; a tenant key is not enough.');
    return c.json(error.toBody(), error.status as 401);
  };
}
