import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  createThrottledLogger,
  GatewayError,
  invalidUrlError,
  methodNotAllowedError,
  quotePrefix,
  toAnthropicError,
  toGatewayError,
  type Logger,
} from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';

/** Whether a path belongs to the Anthropic Messages front end, whose errors have Anthropic's shape. */
export function isMessagesPath(path: string): boolean {
  return path === '/v1/messages' || path.startsWith('/v1/messages/');
}

/**
 * The one place errors become responses: the table's status and `retry-after`, in the body shape
 * of the path's dialect (Anthropic's under `/v1/messages`, else OpenAI's).
 */
export function renderError(c: Context<GatewayEnv>, error: GatewayError): Response {
  if (error.retryAfter !== undefined) c.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  if (isMessagesPath(c.req.path)) {
    const { status, body } = toAnthropicError(error);
    return c.json(body, status as 400);
  }
  return c.json(error.toBody(), error.status as 400);
}

/**
 * Renders every error; logs the server's own (5xx), throttled per kind: during an outage every
 * request fails the same way, and one line a second with a count says as much as thousands of
 * stack traces.
 */
export function errorHandler(log: Logger): ErrorHandler<GatewayEnv> {
  const errors = createThrottledLogger(log);
  return (error, c) => {
    const gatewayError = fromThrown(error);
    if (gatewayError.status >= 500) {
      errors.write('error', errorKind(gatewayError, error), { requestId: c.get('requestId'), err: error, code: gatewayError.code }, 'request failed');
    }
    return renderError(c, gatewayError);
  };
}

/** The code; for unexpected errors also the message's start, so that two different bugs are not counted as one. */
function errorKind(gatewayError: GatewayError, error: unknown): string {
  if (gatewayError.code !== 'internal_error' || !(error instanceof Error)) return gatewayError.code;
  return `internal_error:${quotePrefix(error.message)}`;
}

function fromThrown(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  // Hono's own helpers (e.g. a malformed body) throw HTTPException with a 4xx status.
  if (error instanceof HTTPException && error.status < 500) {
    return new GatewayError('invalid_value', error.message || 'Invalid request.', { status: error.status });
  }
  return toGatewayError(error);
}

export const notFoundHandler: NotFoundHandler<GatewayEnv> = (c) => renderError(c, invalidUrlError(c.req.method, c.req.path));

/** For a known path asked with a method it does not serve: 405 with `allow`, as HTTP has it. */
export function methodNotAllowed(allowed: readonly string[]) {
  return (c: Context<GatewayEnv>): Response => {
    c.header('allow', allowed.join(', '));
    return renderError(c, methodNotAllowedError(c.req.method, c.req.path, allowed));
  };
}
