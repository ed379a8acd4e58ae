/**
 * Every error the gateway can answer with, in one table: the HTTP status and the OpenAI error
 * `type` a client sees, and whether trying again later can succeed.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, type: 'invalid_request_error', retryable: false },
  invalid_value: { status: 400, type: 'invalid_request_error', retryable: false },
  unsupported_value: { status: 400, type: 'invalid_request_error', retryable: false },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', retryable: false },
  // OpenAI's code for a `previous_response_id` it does not know (never stored, expired or evicted).
  previous_response_not_found: { status: 400, type: 'invalid_request_error', retryable: false },
  invalid_api_key: { status: 401, type: 'authentication_error', retryable: false },
  permission_denied: { status: 403, type: 'permission_error', retryable: false },
  model_not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  not_found: { status: 404, type: 'invalid_request_error', retryable: false },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false },
  request_too_large: { status: 413, type: 'invalid_request_error', retryable: false },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', retryable: true },
  queue_full: { status: 429, type: 'rate_limit_error', retryable: true },
  internal_error: { status: 500, type: 'server_error', retryable: false },
  upstream_error: { status: 502, type: 'api_error', retryable: true },
  job_interrupted: { status: 502, type: 'api_error', retryable: false },
  backend_unavailable: { status: 503, type: 'service_unavailable', retryable: true },
  overloaded: { status: 503, type: 'service_unavailable', retryable: true },
  timeout: { status: 504, type: 'timeout_error', retryable: true },
  // Never sent: the client is gone. Used to tell a cancelled job from a failed one.
  client_closed: { status: 499, type: 'invalid_request_error', retryable: false },
} as const satisfies Record<string, { status: number; type: string; retryable: boolean }>;

/** A stable, machine-readable error identifier, rendered as the OpenAI `code` field. */
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
