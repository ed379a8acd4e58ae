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

  it("sends a null code where OpenAI does, and OpenAI's types", () => {
    expect(new GatewayError('not_found', 'Invalid URL (GET /v1/nothing)').toBody().error).toEqual({
      message: 'Invalid URL (GET /v1/nothing)',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    expect(new GatewayError('invalid_api_key', 'no').toBody().error.type).toBe('invalid_request_error');
    expect(new GatewayError('rate_limit_exceeded', 'slow').toBody().error.type).toBe('requests');
    expect(new GatewayError('backend_unavailable', 'down').toBody().error.type).toBe('server_error');
  });

  it('keeps a type the error overrides across a JSON round trip', () => {
    const tokens = new GatewayError('rate_limit_exceeded', 'TPM', { type: 'tokens' });
    expect(GatewayError.fromJSON(JSON.parse(JSON.stringify(tokens))).toBody().error.type).toBe('tokens');
    expect(GatewayError.fromJSON({ code: 'rate_limit_exceeded', message: 'x', type: 'bogus' as never }).type).toBe('requests');
  });

  it('hides the message of unknown errors', () => {
    const error = toGatewayError(new Error('secret sk-ant-123 leaked'));
    expect(error.status).toBe(500);
    expect(error.message).not.toContain('sk-ant');
  });
});
