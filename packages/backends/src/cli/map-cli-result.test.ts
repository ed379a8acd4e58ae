import { describe, expect, it } from 'vitest';
import { mapResultError, mapStopReason, mapUsage } from './map-cli-result.ts';
import type { CliResult } from './protocol.ts';

const failed = (fields: Partial<CliResult>): CliResult => ({ type: 'result', subtype: 'success', is_error: true, ...fields });

describe('mapStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
  ] as const)('%s → %s', (stopReason, finishReason) => {
    expect(mapStopReason(stopReason)).toBe(finishReason);
  });
});

describe('mapResultError', () => {
  it.each([
    [401, 'backend_unavailable', 503],
    [403, 'permission_denied', 403],
    [404, 'model_not_found', 404],
    [400, 'invalid_value', 400],
    [413, 'context_length_exceeded', 400],
    [429, 'rate_limit_exceeded', 429],
    [529, 'overloaded', 503],
    [500, 'upstream_error', 502],
    [504, 'timeout', 504],
  ] as const)('API status %i → %s (%i)', (status, code, httpStatus) => {
    const error = mapResultError(failed({ api_error_status: status, result: 'API Error: something at 10.0.0.1' }));
    expect(error.code).toBe(code);
    expect(error.status).toBe(httpStatus);
    expect(error.message).not.toContain('10.0.0.1');
  });

  it('recognizes a prompt that is too long and a CLI that is not logged in', () => {
    expect(mapResultError(failed({ api_error_status: 400, result: 'Prompt is too long' })).code).toBe('context_length_exceeded');
    expect(mapResultError(failed({ result: 'Not logged in · Please run /login' })).code).toBe('backend_unavailable');
    expect(mapResultError(failed({ subtype: 'error_during_execution' })).code).toBe('upstream_error');
    expect(mapResultError(failed({ result: 'Request timed out. If the API is slow to answer, set API_TIMEOUT_MS above 1500.' })).code).toBe('timeout');
  });
});

describe('mapUsage', () => {
  it('counts cached and cache-writing input as prompt tokens', () => {
    const usage = mapUsage({ type: 'result', subtype: 'success', is_error: false, usage: { input_tokens: 3, cache_creation_input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 7 } });
    expect(usage).toEqual({ promptTokens: 113, completionTokens: 7, cachedPromptTokens: 100 });
  });
});
