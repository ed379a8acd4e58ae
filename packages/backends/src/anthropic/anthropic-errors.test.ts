import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { fromAnthropicError, isRetryableAnthropicError } from './anthropic-errors.ts';

const upstream = (status: number | undefined, type: string, message: string, headers: Record<string, string> = {}) =>
  status === undefined
    ? new APIError(undefined, { type: 'error', error: { type, message } }, undefined, new Headers(headers), type as never)
    : APIError.generate(status, { type: 'error', error: { type, message } }, undefined, new Headers(headers));

describe('fromAnthropicError', () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_value'],
    [401, 'authentication_error', 401, 'invalid_api_key'],
    [403, 'permission_error', 403, 'permission_denied'],
    [404, 'not_found_error', 404, 'model_not_found'],
    [413, 'request_too_large', 413, 'request_too_large'],
    [429, 'rate_limit_error', 429, 'rate_limit_exceeded'],
    [529, 'overloaded_error', 503, 'overloaded'],
    [500, 'api_error', 502, 'upstream_error'],
    [503, 'api_error', 502, 'upstream_error'],
    [402, 'billing_error', 502, 'upstream_error'],
  ])('maps upstream %i %s to %i %s', (status, type, expectedStatus, code) => {
    const error = fromAnthropicError(upstream(status, type, 'details here'));
    expect(error.status).toBe(expectedStatus);
    expect(error.code).toBe(code);
    expect(error.message).toContain('details here');
  });

  it('passes retry-after on for 429 and 529', () => {
    expect(fromAnthropicError(upstream(429, 'rate_limit_error', 'slow', { 'retry-after': '17' })).retryAfter).toBe(17);
    expect(fromAnthropicError(upstream(529, 'overloaded_error', 'busy', { 'retry-after-ms': '1500' })).retryAfter).toBe(2);
    expect(fromAnthropicError(upstream(429, 'rate_limit_error', 'slow')).retryAfter).toBeUndefined();
  });

  it('recognises a too-long prompt and maps mid-stream error events by type', () => {
    expect(fromAnthropicError(upstream(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum')).code).toBe('context_length_exceeded');
    expect(fromAnthropicError(upstream(undefined, 'overloaded_error', 'Overloaded')).status).toBe(503);
    expect(fromAnthropicError(upstream(undefined, 'api_error', 'boom')).status).toBe(502);
    expect(fromAnthropicError(new APIConnectionError({ message: 'ECONNREFUSED' })).code).toBe('upstream_error');
  });
});

describe('isRetryableAnthropicError', () => {
  it('retries connection failures, overload and 5xx, never 4xx (429 goes back to the client)', () => {
    expect(isRetryableAnthropicError(new APIConnectionError({ message: 'reset' }))).toBe(true);
    expect(isRetryableAnthropicError(upstream(529, 'overloaded_error', ''))).toBe(true);
    expect(isRetryableAnthropicError(upstream(500, 'api_error', ''))).toBe(true);
    expect(isRetryableAnthropicError(upstream(undefined, 'overloaded_error', ''))).toBe(true);
    expect(isRetryableAnthropicError(upstream(undefined, 'invalid_request_error', ''))).toBe(false);
    expect(isRetryableAnthropicError(upstream(429, 'rate_limit_error', ''))).toBe(false);
    expect(isRetryableAnthropicError(upstream(400, 'invalid_request_error', ''))).toBe(false);
    expect(isRetryableAnthropicError(new APIUserAbortError())).toBe(false);
    expect(isRetryableAnthropicError(new Error('bug'))).toBe(false);
  });

  it('follows the x-should-retry header', () => {
    expect(isRetryableAnthropicError(upstream(500, 'api_error', '', { 'x-should-retry': 'false' }))).toBe(false);
    expect(isRetryableAnthropicError(upstream(400, 'invalid_request_error', '', { 'x-should-retry': 'true' }))).toBe(true);
  });
});
