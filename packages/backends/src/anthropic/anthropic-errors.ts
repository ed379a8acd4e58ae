import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { GatewayError } from '@llm-gateway/shared';
import { fromUpstreamStatus, isRetryableStatus, retryAfterSeconds } from '../upstream/upstream-status.ts';

/** Error types of a mid-stream SSE `error` event (no status) that are worth a retry. */
const RETRYABLE_TYPES = new Set(['overloaded_error', 'api_error', 'timeout_error']);

/** An Anthropic SDK error as the error the client gets ({@link fromUpstreamStatus}). */
export function fromAnthropicError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof APIConnectionError) {
    return new GatewayError('upstream_error', 'Could not reach the Anthropic API.', { cause: error });
  }
  if (!(error instanceof APIError)) {
    return new GatewayError('upstream_error', 'The Anthropic API sent an answer the gateway could not read.', { cause: error });
  }
  return fromUpstreamStatus(error.status ?? statusOfType(error.type), error.apiMessage ?? error.message, {
    upstream: 'The Anthropic API',
    contextTooLong: /prompt is too long|context (window|length)/i,
    retryAfter: retryAfterSeconds(error.headers),
    cause: error,
  });
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
  return isRetryableStatus(error.status);
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
