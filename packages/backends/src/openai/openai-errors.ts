import { GatewayError } from '@llm-gateway/shared';

/** Statuses where the same request can succeed a moment later. 429 goes back to the client. */
const RETRYABLE_STATUSES = new Set([408, 409, 500, 502, 503, 504, 529]);

/** A failed answer of the OpenAI-compatible upstream, before it is mapped for the client. */
export class UpstreamHttpError extends Error {
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly detail: string;

  constructor(status: number, detail: string, retryAfter: number | undefined) {
    super(`upstream answered ${status}: ${detail}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'UpstreamHttpError';
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }

  get retryable(): boolean {
    return RETRYABLE_STATUSES.has(this.status);
  }
}

/** The `error.message` of an OpenAI error body, or the start of the raw text. */
export function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || 'no details';
}

/**
 * An upstream failure as the client's error: 400→400, 401/403→401/403, 404→404, 413→413,
 * 429→429 with `retry-after`, 529/503 overload→503, other failures→502.
 */
export function fromOpenAIUpstreamError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof SyntaxError) {
    return new GatewayError('upstream_error', 'The upstream sent an answer the gateway could not read.', { cause: error });
  }
  if (!(error instanceof UpstreamHttpError)) {
    return new GatewayError('upstream_error', 'Could not reach the OpenAI-compatible upstream.', { cause: error });
  }
  const { detail, retryAfter } = error;
  const withRetry = retryAfter === undefined ? { cause: error } : { cause: error, retryAfter };
  switch (error.status) {
    case 400:
    case 422:
      if (/context[_ ]length|maximum context|too many tokens/i.test(detail)) {
        return new GatewayError('context_length_exceeded', detail, { param: 'messages', cause: error });
      }
      return new GatewayError('invalid_value', detail, { cause: error });
    case 401:
      return new GatewayError('invalid_api_key', `The upstream refused the gateway's credentials: ${detail}`, { cause: error });
    case 403:
      return new GatewayError('permission_denied', `The upstream denied the request: ${detail}`, { cause: error });
    case 404:
      return new GatewayError('model_not_found', `Not found upstream: ${detail}`, { param: 'model', cause: error });
    case 413:
      return new GatewayError('request_too_large', detail, { cause: error });
    case 429:
      return new GatewayError('rate_limit_exceeded', `The upstream is rate limiting: ${detail}`, withRetry);
    case 529:
      return new GatewayError('overloaded', `The upstream is overloaded: ${detail}`, withRetry);
    default:
      return new GatewayError('upstream_error', `The upstream failed (${error.status}): ${detail}`, { cause: error });
  }
}

/** Connection failures and retryable statuses; never an abort. */
export function isRetryableOpenAIError(error: unknown): boolean {
  if (error instanceof UpstreamHttpError) return error.retryable;
  if (error instanceof GatewayError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED))$/.test(code);
}
