import { describe, expect, it } from 'vitest';
import { fromUpstreamStatus, retryAfterSeconds } from './upstream-status.ts';

const options = { upstream: 'The upstream', contextTooLong: /context length/i, cause: undefined };

describe('fromUpstreamStatus', () => {
  it.each([
    [400, 400, 'invalid_value'],
    [422, 400, 'invalid_value'],
    [401, 401, 'invalid_api_key'],
    [403, 403, 'permission_denied'],
    [404, 404, 'model_not_found'],
    [413, 413, 'request_too_large'],
    [429, 429, 'rate_limit_exceeded'],
    [529, 503, 'overloaded'],
    [500, 502, 'upstream_error'],
    [402, 502, 'upstream_error'],
  ])('maps %i to %i %s, keeping the detail', (status, expectedStatus, code) => {
    const error = fromUpstreamStatus(status, 'details here', options);
    expect([error.status, error.code]).toEqual([expectedStatus, code]);
    expect(error.message).toContain('details here');
  });

  it('recognises a context overflow and passes retry-after on only where the client may retry', () => {
    expect(fromUpstreamStatus(400, 'over the context length', options).code).toBe('context_length_exceeded');
    expect(fromUpstreamStatus(429, 'slow', { ...options, retryAfter: 7 }).retryAfter).toBe(7);
    expect(fromUpstreamStatus(500, 'boom', { ...options, retryAfter: 7 }).retryAfter).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '3' }))).toBe(3);
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '250' }))).toBe(1);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterSeconds(new Headers({ 'retry-after': inTenSeconds }))).toBeGreaterThanOrEqual(9);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });
});
