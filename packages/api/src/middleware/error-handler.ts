import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { GatewayError, quotePrefix, toGatewayError, type Logger } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';

/** The one place errors become responses: OpenAI's body, the table's status, `retry-after`. */
export function renderError(c: Context<GatewayEnv>, error: GatewayError): Response {
  if (error.retryAfter !== undefined) c.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return c.json(error.toBody(), error.status as 400);
}

export function errorHandler(log: Logger): ErrorHandler<GatewayEnv> {
  return (error, c) => {
    const gatewayError = fromThrown(error);
    if (gatewayError.status >= 500) {
      log.error({ requestId: c.get('requestId'), err: error, code: gatewayError.code }, 'request failed');
    }
    return renderError(c, gatewayError);
  };
}

function fromThrown(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  // Hono's own helpers (e.g. a malformed body) throw HTTPException with a 4xx status.
  if (error instanceof HTTPException && error.status < 500) {
    return new GatewayError('invalid_value', error.message || 'Invalid request.', { status: error.status });
  }
  return toGatewayError(error);
}

export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) =>
  renderError(c, new GatewayError('not_found', `Unknown request URL: ${quotePrefix(c.req.method)} ${quotePrefix(c.req.path, 256)}.`));

/** For a known path asked with a method it does not serve. */
export function methodNotAllowed(allowed: readonly string[]) {
  return (c: Context<GatewayEnv>): Response => {
    c.header('allow', allowed.join(', '));
    return renderError(
      c,
      new GatewayError('method_not_allowed', `Method ${quotePrefix(c.req.method)} is not allowed on ${quotePrefix(c.req.path, 256)}; use ${allowed.join(' or ')}.`),
    );
  };
}
