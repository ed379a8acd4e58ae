import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '@llm-gateway/shared';

/**
 * The supervisor's endpoints are all `GET`s: a request that declares a body gets 413 at once and
 * its connection is closed. Without this, Node reads and discards whatever body a client sends
 * (for as long as the request timeout allows) to keep the connection alive.
 */
export function refuseBody(): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header('content-length');
    const declared = (length !== undefined && length.trim() !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (!declared) return next();
    const error = new GatewayError('request_too_large', 'The supervisor takes no request bodies.');
    c.header('connection', 'close');
    return c.json(error.toBody(), error.status as 413);
  };
}
