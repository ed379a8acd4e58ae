import type { MiddlewareHandler } from 'hono';
import { operatorAccessError, type KeyRing, type OperatorScope } from '@llm-gateway/shared';

/**
 * The supervisor's operator endpoints follow the API's rules ({@link operatorAccessError}):
 * `/sessions` needs the admin key once tenant or admin keys exist; `/metrics` takes the admin or
 * the metrics key once any key exists; a tenant key gets 403; an open gateway keeps both open.
 */
export function requireOperatorKey(keys: KeyRing, scope: OperatorScope): MiddlewareHandler {
  return async (c, next) => {
    const error = operatorAccessError(keys, c.req.header('authorization'), scope);
    if (error === undefined) return next();
    return c.json(error.toBody(), error.status as 401 | 403);
  };
}
