import { GatewayError } from '@llm-gateway/shared';

/** Statuses where the same request can succeed a moment later. 429 goes back to the client. */
const RETRYABLE_STATUSES = new Set([408, 409, 500, 502, 503, 504, 529]);

/** Whether an upstream answering `status` may answer the same request a moment later. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** How {@link fromUpstreamStatus} words and reads one upstream's failures. */
export interface UpstreamStatusOptions {
  /** The upstream as a sentence's subject: `The Anthropic API`, `The upstream`. */
  upstream: string;
  /** Matches the `detail` of a 400 that says the prompt is over the model's context window. */
  contextTooLong: RegExp;
  /** The upstream's `retry-after`, in seconds, passed on with 429 and 529. @defaultValue none */
  retryAfter?: number | undefined;
  /** The upstream's own error, kept for logs. */
  cause: unknown;
}

/**
 * The one mapping of an HTTP API upstream's failure status to the error the client gets: 400→400
 * (or `context_length_exceeded`), 401/403→401/403, 404→404, 413→413, 429→429 and 529→503 with
 * `retry-after`, anything else→502.
 */
export function fromUpstreamStatus(status: number, detail: string, options: UpstreamStatusOptions): GatewayError {
  const { upstream, cause, retryAfter } = options;
  const withRetry = retryAfter === undefined ? { cause } : { cause, retryAfter };
  switch (status) {
    case 400:
    case 422:
      if (options.contextTooLong.test(detail)) return new GatewayError('context_length_exceeded', detail, { param: 'messages', cause });
      return new GatewayError('invalid_value', detail, { cause });
    case 401:
      return new GatewayError('invalid_api_key', `${upstream} refused the gateway's credentials: ${detail}`, { cause });
    case 403:
      return new GatewayError('permission_denied', `${upstream} denied the request: ${detail}`, { cause });
    case 404:
      return new GatewayError('model_not_found', `${upstream} found no such model or path: ${detail}`, { param: 'model', cause });
    case 413:
      return new GatewayError('request_too_large', detail, { cause });
    case 429:
      return new GatewayError('rate_limit_exceeded', `${upstream} is rate limiting: ${detail}`, withRetry);
    case 529:
      return new GatewayError('overloaded', `${upstream} is overloaded: ${detail}`, withRetry);
    default:
      return new GatewayError('upstream_error', `${upstream} failed (${status}): ${detail}`, { cause });
  }
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
