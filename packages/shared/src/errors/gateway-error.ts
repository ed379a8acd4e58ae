import { ERROR_CODES, isErrorCode, openAICodeOf, type ErrorCode, type OpenAIErrorType } from './error-codes.ts';

/** The OpenAI error body: `{"error":{"message","type","param","code"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A {@link GatewayError} as plain JSON, so it can cross a process boundary (Redis) intact. */
export interface SerializedGatewayError {
  code: ErrorCode;
  message: string;
  param?: string | null;
  /** Overrides the table's status, e.g. to pass an upstream 403 through unchanged. */
  status?: number;
  /** Seconds a client should wait before retrying (429 / 503). */
  retryAfter?: number;
  /** Overrides the table's OpenAI `type`: `tokens` for a rate limit on tokens. */
  type?: OpenAIErrorType;
}

export interface GatewayErrorOptions {
  param?: string | null;
  status?: number;
  retryAfter?: number;
  /** @defaultValue the table's type for the code */
  type?: OpenAIErrorType;
  cause?: unknown;
}

const OPENAI_TYPES: ReadonlySet<unknown> = new Set<OpenAIErrorType>(['invalid_request_error', 'requests', 'tokens', 'server_error']);

/** The one error type of the gateway. Rendered to clients in exactly one place. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // As bullmq's errors do: keep `instanceof` and the name right through transpilation.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'GatewayError';
    const entry = ERROR_CODES[code];
    this.code = code;
    this.status = options.status ?? entry.status;
    this.type = options.type ?? entry.type;
    this.param = options.param ?? null;
    this.retryable = entry.retryable;
    this.retryAfter = options.retryAfter;
  }

  /** The body a client receives. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: openAICodeOf(this.code) } };
  }

  toJSON(): SerializedGatewayError {
    const json: SerializedGatewayError = { code: this.code, message: this.message };
    if (this.param !== null) json.param = this.param;
    if (this.status !== ERROR_CODES[this.code].status) json.status = this.status;
    if (this.retryAfter !== undefined) json.retryAfter = this.retryAfter;
    if (this.type !== ERROR_CODES[this.code].type) json.type = this.type;
    return json;
  }

  static fromJSON(json: SerializedGatewayError): GatewayError {
    const code = isErrorCode(json.code) ? json.code : 'internal_error';
    return new GatewayError(code, json.message, {
      param: json.param ?? null,
      ...(json.status === undefined ? {} : { status: json.status }),
      ...(json.retryAfter === undefined ? {} : { retryAfter: json.retryAfter }),
      ...(json.type !== undefined && OPENAI_TYPES.has(json.type) ? { type: json.type } : {}),
    });
  }
}

/**
 * Turns anything thrown into a GatewayError. Unknown errors become a generic 500 whose message
 * reveals nothing of the internals (no stack traces or secrets reach clients).
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', 'The server had an error while processing your request. Sorry about that!', {
    cause: error,
  });
}
