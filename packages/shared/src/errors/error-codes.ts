/** An error as the Anthropic Messages API names it. */
export interface AnthropicErrorEntry {
  type:
    | 'invalid_request_error'
    | 'authentication_error'
    | 'permission_error'
    | 'not_found_error'
    | 'request_too_large'
    | 'rate_limit_error'
    | 'api_error'
    | 'timeout_error'
    | 'overloaded_error';
  /** @defaultValue the error's own status */
  status?: number;
}

/**
 * Every error the gateway can answer with, in one table: the HTTP status and the OpenAI error
 * `type` a client sees, whether trying again later can succeed, and how the Anthropic Messages
 * front end names it (`type`, and its `status` where Anthropic documents another: it has no 502
 * or 503, and says 529 when overloaded).
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  invalid_value: { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  unsupported_value: { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  // OpenAI's code for a `previous_response_id` it does not know (never stored, expired or evicted).
  previous_response_not_found: { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  invalid_api_key: { status: 401, type: 'authentication_error', retryable: false, anthropic: { type: 'authentication_error' } },
  permission_denied: { status: 403, type: 'permission_error', retryable: false, anthropic: { type: 'permission_error' } },
  model_not_found: { status: 404, type: 'invalid_request_error', retryable: false, anthropic: { type: 'not_found_error' } },
  not_found: { status: 404, type: 'invalid_request_error', retryable: false, anthropic: { type: 'not_found_error' } },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
  request_too_large: { status: 413, type: 'invalid_request_error', retryable: false, anthropic: { type: 'request_too_large' } },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', retryable: true, anthropic: { type: 'rate_limit_error' } },
  queue_full: { status: 429, type: 'rate_limit_error', retryable: true, anthropic: { type: 'rate_limit_error' } },
  internal_error: { status: 500, type: 'server_error', retryable: false, anthropic: { type: 'api_error' } },
  upstream_error: { status: 502, type: 'api_error', retryable: true, anthropic: { type: 'api_error', status: 500 } },
  job_interrupted: { status: 502, type: 'api_error', retryable: false, anthropic: { type: 'api_error', status: 500 } },
  backend_unavailable: { status: 503, type: 'service_unavailable', retryable: true, anthropic: { type: 'overloaded_error', status: 529 } },
  overloaded: { status: 503, type: 'service_unavailable', retryable: true, anthropic: { type: 'overloaded_error', status: 529 } },
  timeout: { status: 504, type: 'timeout_error', retryable: true, anthropic: { type: 'timeout_error' } },
  // Never sent: the client is gone. Used to tell a cancelled job from a failed one.
  client_closed: { status: 499, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
} as const satisfies Record<string, { status: number; type: string; retryable: boolean; anthropic: AnthropicErrorEntry }>;

/** A stable, machine-readable error identifier, rendered as the OpenAI `code` field. */
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
