import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { GatewayError } from '@llm-gateway/shared';

/** Upstream statuses where the same request can succeed a moment later. 429 is left to the client. */
const RETRYABLE_STATUSES = new Set([408, 409, 500, 502, 503, 504, 529]);
/** Error types of a mid-stream SSE `error` event (no status) that are worth a retry. */
const RETRYABLE_TYPES = new Set(['overloaded_error', 'api_error', 'timeout_error']);

/**
 * An Anthropic SDK error as the error the client gets: 400→400, 401/403→401/403, 404→404,
 * 413→413, 429→429 with `retry-after`, 529 overloaded→503, other failures→502.
 */
export function fromAnthropicError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof APIConnectionError) {
    return new GatewayError('upstream_error', 'Could not reach the Anthropic API.', { cause: error });
  }
  if (!(error instanceof APIError)) {
    return new GatewayError('upstream_error', 'The Anthropic API sent an answer the gateway could not read.', { cause: error });
  }
  const detail = error.apiMessage ?? error.message;
  const retryAfter = retryAfterSeconds(error.headers);
  const withRetry = (options: { cause: unknown }) => (retryAfter === undefined ? options : { ...options, retryAfter });
  const status = error.status ?? statusOfType(error.type);
  switch (status) {
    case 400:
    case 422:
      if (/prompt is too long|context (window|length)/i.test(detail)) {
        return new GatewayError('context_length_exceeded', detail, { param: 'messages', cause: error });
      }
      return new GatewayError('invalid_value', detail, { cause: error });
    case 401:
      return new GatewayError('invalid_api_key', `The Anthropic API refused the gateway's credentials: ${detail}`, { cause: error });
    case 403:
      return new GatewayError('permission_denied', `The Anthropic API denied the request: ${detail}`, { cause: error });
    case 404:
      return new GatewayError('model_not_found', `Not found at the Anthropic API: ${detail}`, { param: 'model', cause: error });
    case 413:
      return new GatewayError('request_too_large', detail, { cause: error });
    case 429:
      return new GatewayError('rate_limit_exceeded', `The Anthropic API is rate limiting: ${detail}`, withRetry({ cause: error }));
    case 529:
      return new GatewayError('overloaded', `The Anthropic API is overloaded: ${detail}`, withRetry({ cause: error }));
    default:
      return new GatewayError('upstream_error', `The Anthropic API failed: ${detail}`, { cause: error });
  }
}

/**
 * Whether trying the same request again can help: connection failures, timeouts, overload and
 * 5xx. The API's own `x-should-retry` header wins when present.
 */
export function isRetryableAnthropicError(error: unknown): boolean {
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError)) return false;
  if (error.status === 429) return false;
  const hint = error.headers?.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  if (error.status === undefined) return error.type !== null && RETRYABLE_TYPES.has(error.type);
  return RETRYABLE_STATUSES.has(error.status);
}

/** `retry-after-ms` or `retry-after` (seconds or an HTTP date), in whole seconds. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const value = headers?.get('retry-after');
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** The status an SSE error event (which has none) stands for. */
function statusOfType(type: string | null): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'rate_limit_error':
      return 429;
    case 'overloaded_error':
      return 529;
    default:
      return 502;
  }
}
