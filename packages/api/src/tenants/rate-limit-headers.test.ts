import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitError, setRateLimitHeaders } from './rate-limit-headers.ts';

describe('rate limit headers', () => {
  it('writes durations as OpenAI does', () => {
    expect(formatResetDuration(0)).toBe('0s');
    expect(formatResetDuration(17.2)).toBe('18ms');
    expect(formatResetDuration(1_000)).toBe('1s');
    expect(formatResetDuration(8_640)).toBe('8.64s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_723_500)).toBe('1h2m3.5s');
  });

  it('sets the headers of the limits that exist, and a 429 with retry-after', async () => {
    const app = new Hono();
    const decision = { allowed: true, retryAfterMs: 0, remainingRequests: 9, remainingTokens: 0, resetRequestsMs: 6_000, resetTokensMs: 0 };
    app.get('/', (c) => {
      setRateLimitHeaders(c, { rpm: 10, tpm: 0 }, decision);
      return c.text('ok');
    });
    const response = await app.request('/');
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(response.headers.get('x-ratelimit-reset-requests')).toBe('6s');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBeNull();

    const error = rateLimitError('acme', { rpm: 0, tpm: 1_000 }, { ...decision, allowed: false, exceeded: 'tokens', retryAfterMs: 2_500 });
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfter: 2.5 });
    expect(error.message).toContain('tokens per min (TPM): Limit 1000');
  });
});
