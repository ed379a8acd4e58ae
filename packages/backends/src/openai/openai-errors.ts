import { GatewayError } from '@llm-gateway/shared';
import { fromUpstreamStatus, isRetryableStatus } from '../upstream/upstream-status.ts';

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
    return isRetryableStatus(this.status);
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

/** An upstream failure as the client's error ({@link fromUpstreamStatus}). */
export function fromOpenAIUpstreamError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof SyntaxError) {
    return new GatewayError('upstream_error', 'The upstream sent an answer the gateway could not read.', { cause: error });
  }
  if (!(error instanceof UpstreamHttpError)) {
    return new GatewayError('upstream_error', 'Could not reach the OpenAI-compatible upstream.', { cause: error });
  }
  return fromUpstreamStatus(error.status, error.detail, {
    upstream: 'The upstream',
    contextTooLong: /context[_ ]length|maximum context|too many tokens/i,
    retryAfter: error.retryAfter,
    cause: error,
  });
}

/** Connection failures and retryable statuses; never an abort. */
export function isRetryableOpenAIError(error: unknown): boolean {
  if (error instanceof UpstreamHttpError) return error.retryable;
  if (error instanceof GatewayError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED))$/.test(code);
}
