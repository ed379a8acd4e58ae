import type { MiddlewareHandler } from 'hono';
import { randomId } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';

// A client's id is honoured only when it is short and plain, so it cannot forge log lines.
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Honours or assigns `x-request-id` and returns it. */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && ACCEPTABLE_ID.test(incoming) ? incoming : `req_${randomId(20)}`;
    c.set('requestId', id);
    c.set('tenant', 'anonymous');
    c.header('x-request-id', id);
    await next();
  };
}
