import { describe, expect, it } from 'vitest';
import { errorDetail, fromOpenAIUpstreamError, isRetryableOpenAIError, UpstreamHttpError } from './openai-errors.ts';

describe('fromOpenAIUpstreamError', () => {
  it.each([
    [400, 'invalid_value', 400],
    [401, 'invalid_api_key', 401],
    [403, 'permission_denied', 403],
    [404, 'model_not_found', 404],
    [429, 'rate_limit_exceeded', 429],
    [529, 'overloaded', 503],
    [500, 'upstream_error', 502],
    [503, 'upstream_error', 502],
  ])('maps %i to %s (%i)', (status, code, expected) => {
    const error = fromOpenAIUpstreamError(new UpstreamHttpError(status, 'why', 5));
    expect([error.code, error.status]).toEqual([code, expected]);
  });

  it('keeps retry-after for 429 and recognises context overflows', () => {
    expect(fromOpenAIUpstreamError(new UpstreamHttpError(429, 'slow', 5)).retryAfter).toBe(5);
    expect(fromOpenAIUpstreamError(new UpstreamHttpError(400, "This model's maximum context length is 8192 tokens", undefined)).code).toBe('context_length_exceeded');
    expect(fromOpenAIUpstreamError(new SyntaxError('bad json')).code).toBe('upstream_error');
  });

  it('retries 5xx and connection failures, not 4xx', () => {
    expect(isRetryableOpenAIError(new UpstreamHttpError(502, '', undefined))).toBe(true);
    expect(isRetryableOpenAIError(new UpstreamHttpError(429, '', undefined))).toBe(false);
    expect(isRetryableOpenAIError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryableOpenAIError(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
  });

  it('reads the message of OpenAI, Ollama and plain-text error bodies', () => {
    expect(errorDetail('{"error":{"message":"bad model","type":"invalid_request_error"}}')).toBe('bad model');
    expect(errorDetail('{"error":"model \\"x\\" not found"}')).toBe('model "x" not found');
    expect(errorDetail('Bad Gateway')).toBe('Bad Gateway');
  });
});
