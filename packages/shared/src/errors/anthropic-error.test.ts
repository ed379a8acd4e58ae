import { describe, expect, it } from 'vitest';
import { toAnthropicError } from './anthropic-error.ts';
import { GatewayError } from './gateway-error.ts';

describe('toAnthropicError', () => {
  it.each([
    ['invalid_value', 400, 'invalid_request_error'],
    ['invalid_api_key', 401, 'authentication_error'],
    ['permission_denied', 403, 'permission_error'],
    ['model_not_found', 404, 'not_found_error'],
    ['request_too_large', 413, 'request_too_large'],
    ['rate_limit_exceeded', 429, 'rate_limit_error'],
    ['internal_error', 500, 'api_error'],
    ['upstream_error', 500, 'api_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['backend_unavailable', 529, 'overloaded_error'],
    ['timeout', 504, 'timeout_error'],
  ] as const)('renders %s as %i %s', (code, status, type) => {
    expect(toAnthropicError(new GatewayError(code, 'why'))).toEqual({ status, body: { type: 'error', error: { type, message: 'why' } } });
  });

  it('keeps a status the error overrides', () => {
    expect(toAnthropicError(new GatewayError('upstream_error', 'no', { status: 403 })).status).toBe(403);
  });
});
