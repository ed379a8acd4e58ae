import { describe, expect, it } from 'vitest';
import { GatewayError, toGatewayError } from './gateway-error.ts';

describe('GatewayError', () => {
  it('renders the OpenAI error body with the status and type from the table', () => {
    const error = new GatewayError('invalid_value', "'n' must be 1", { param: 'n' });
    expect(error.status).toBe(400);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.toBody()).toEqual({
      error: { message: "'n' must be 1", type: 'invalid_request_error', param: 'n', code: 'invalid_value' },
    });
  });

  it('survives a JSON round trip, status override and retry-after included', () => {
    const error = new GatewayError('rate_limit_exceeded', 'slow down', { retryAfter: 7, status: 429 });
    const copy = GatewayError.fromJSON(JSON.parse(JSON.stringify(error)));
    expect(copy.toBody()).toEqual(error.toBody());
    expect(copy.retryAfter).toBe(7);
    expect(copy.retryable).toBe(true);
    const forbidden = GatewayError.fromJSON(new GatewayError('upstream_error', 'no', { status: 403 }).toJSON());
    expect(forbidden.status).toBe(403);
  });

  it('hides the message of unknown errors', () => {
    const error = toGatewayError(new Error('secret sk-ant-123 leaked'));
    expect(error.status).toBe(500);
    expect(error.message).not.toContain('sk-ant');
  });
});
