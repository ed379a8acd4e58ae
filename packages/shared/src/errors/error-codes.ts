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
 * The OpenAI error `type`s the gateway answers with: the words OpenAI itself uses. It calls every
 * client error `invalid_request_error` (a wrong API key included), a rate limit by what ran out
 * (`requests` or `tokens`), and every failure on its side `server_error`.
 */
export type OpenAIErrorType = 'invalid_request_error' | 'requests' | 'tokens' | 'server_error';

/** One row of the table. */
interface ErrorEntry {
  status: number;
  type: OpenAIErrorType;
  retryable: boolean;
  anthropic: AnthropicErrorEntry;
  /** Set to `null` where OpenAI's body carries no `code` for this error (an unknown URL, unparsable JSON). @defaultValue the code itself */
  openAICode?: null;
}

/** A 400 for a request body that breaks the schema: OpenAI's codes, one per kind of fault. */
const BAD_FIELD = { status: 400, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } } as const;

/**
 * Every error the gateway can answer with, in one table: the HTTP status and the OpenAI error
 * `type` a client sees, whether trying again later can succeed, and how the Anthropic Messages
 * front end names it (`type`, and its `status` where Anthropic documents another: it has no 502
 * or 503, and says 529 when overloaded). The deliberate differences from OpenAI are listed in the
 * README ("Differences from OpenAI").
 */
export const ERROR_CODES = {
  invalid_json: { ...BAD_FIELD, openAICode: null },
  invalid_value: BAD_FIELD,
  invalid_type: BAD_FIELD,
  missing_required_parameter: BAD_FIELD,
  empty_array: BAD_FIELD,
  empty_string: BAD_FIELD,
  array_below_min_length: BAD_FIELD,
  array_above_max_length: BAD_FIELD,
  string_below_min_length: BAD_FIELD,
  string_above_max_length: BAD_FIELD,
  integer_below_min_value: BAD_FIELD,
  integer_above_max_value: BAD_FIELD,
  decimal_below_min_value: BAD_FIELD,
  decimal_above_max_value: BAD_FIELD,
  object_above_max_properties: BAD_FIELD,
  property_name_above_max_length: BAD_FIELD,
  unsupported_value: BAD_FIELD,
  context_length_exceeded: BAD_FIELD,
  // OpenAI's code for a `previous_response_id` it does not know (never stored, expired or evicted).
  previous_response_not_found: BAD_FIELD,
  invalid_api_key: { status: 401, type: 'invalid_request_error', retryable: false, anthropic: { type: 'authentication_error' } },
  permission_denied: { status: 403, type: 'invalid_request_error', retryable: false, anthropic: { type: 'permission_error' } },
  model_not_found: { status: 404, type: 'invalid_request_error', retryable: false, anthropic: { type: 'not_found_error' } },
  not_found: { status: 404, type: 'invalid_request_error', retryable: false, anthropic: { type: 'not_found_error' }, openAICode: null },
  method_not_allowed: { status: 405, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' }, openAICode: null },
  request_too_large: { status: 413, type: 'invalid_request_error', retryable: false, anthropic: { type: 'request_too_large' } },
  // `requests` unless the error says `tokens` (a tenant over its TPM).
  rate_limit_exceeded: { status: 429, type: 'requests', retryable: true, anthropic: { type: 'rate_limit_error' } },
  // The gateway's own capacity, not the client's rate: a server error, with OpenAI's 429 for "slow down".
  queue_full: { status: 429, type: 'server_error', retryable: true, anthropic: { type: 'rate_limit_error' } },
  internal_error: { status: 500, type: 'server_error', retryable: false, anthropic: { type: 'api_error' } },
  upstream_error: { status: 502, type: 'server_error', retryable: true, anthropic: { type: 'api_error', status: 500 } },
  job_interrupted: { status: 502, type: 'server_error', retryable: false, anthropic: { type: 'api_error', status: 500 } },
  backend_unavailable: { status: 503, type: 'server_error', retryable: true, anthropic: { type: 'overloaded_error', status: 529 } },
  overloaded: { status: 503, type: 'server_error', retryable: true, anthropic: { type: 'overloaded_error', status: 529 } },
  timeout: { status: 504, type: 'server_error', retryable: true, anthropic: { type: 'timeout_error' } },
  // Never sent: the client is gone. Used to tell a cancelled job from a failed one.
  client_closed: { status: 499, type: 'invalid_request_error', retryable: false, anthropic: { type: 'invalid_request_error' } },
} as const satisfies Record<string, ErrorEntry>;

/** A stable, machine-readable error identifier, rendered as the OpenAI `code` field. */
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The `code` an OpenAI body carries for `code`: itself, or `null` where OpenAI sends none. */
export function openAICodeOf(code: ErrorCode): string | null {
  const entry: ErrorEntry = ERROR_CODES[code];
  return entry.openAICode === null ? null : code;
}
