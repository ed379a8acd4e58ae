import { GatewayError, type FinishReason, type Usage } from '@llm-gateway/shared';
import { mapAnthropicStopReason } from '../anthropic/map-anthropic-stop-reason.ts';
import type { CliResult } from './protocol.ts';

/**
 * The CLI's `stop_reason` (the Messages API's own) in OpenAI's words. A `tool_use` stop cannot end
 * an answer here: the CLI refuses the call and the model answers again, so it reads as `stop`.
 */
export function mapStopReason(stopReason: string | null | undefined): FinishReason {
  return mapAnthropicStopReason(stopReason, false);
}

/** Usage from a `result` line. Cached and cache-writing input tokens count as prompt tokens too. */
export function mapUsage(result: CliResult): Usage {
  const usage = result.usage ?? {};
  const cached = usage.cache_read_input_tokens ?? 0;
  const mapped: Usage = {
    promptTokens: (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cached,
    completionTokens: usage.output_tokens ?? 0,
  };
  // The CLI's result always carries the API's usage, cache reads included: a known count, 0 too.
  if (typeof usage.cache_read_input_tokens === 'number') mapped.cachedPromptTokens = cached;
  if (typeof result.total_cost_usd === 'number' && Number.isFinite(result.total_cost_usd) && result.total_cost_usd >= 0) mapped.costUsd = result.total_cost_usd;
  return mapped;
}

/**
 * A failed `result` (`is_error: true`) as a gateway error. The CLI's own message may name the
 * upstream host, so clients get a message of ours; the CLI's goes to the log.
 */
export function mapResultError(result: CliResult): GatewayError {
  const status = typeof result.api_error_status === 'number' ? result.api_error_status : undefined;
  const text = `${result.result ?? ''} ${(result.errors ?? []).join(' ')}`;
  if (status === undefined) {
    if (/not logged in|\/login|authentication/i.test(text)) return notAuthenticated();
    if (/timed out|timeout/i.test(text)) return new GatewayError('timeout', 'The model API did not answer in time.');
    return new GatewayError('upstream_error', 'The Claude CLI could not complete the answer.');
  }
  if (status === 401) return notAuthenticated();
  if (status === 403) return new GatewayError('permission_denied', 'The Claude account of the cli backend may not use this model or feature.');
  if (status === 404) return new GatewayError('model_not_found', 'The model is not available to the cli backend.', { param: 'model' });
  if (status === 413 || /prompt is too long|context window|too many tokens/i.test(text)) {
    return new GatewayError('context_length_exceeded', 'The conversation is too long for the model.', { param: 'messages' });
  }
  if (status === 400) return new GatewayError('invalid_value', 'The model API refused the request as invalid.');
  if (status === 429) return new GatewayError('rate_limit_exceeded', 'The model API is rate limiting the cli backend; retry later.', { retryAfter: 30 });
  if (status === 529 || status === 503) return new GatewayError('overloaded', 'The model API is overloaded; retry later.', { retryAfter: 10 });
  if (status === 408 || status === 504) return new GatewayError('timeout', 'The model API did not answer in time.');
  return new GatewayError('upstream_error', `The model API failed with status ${status}.`);
}

function notAuthenticated(): GatewayError {
  return new GatewayError(
    'backend_unavailable',
    'The Claude CLI is not authenticated. Log in once with `claude`, set ANTHROPIC_API_KEY, or choose LLM_BACKEND=api|mock.',
  );
}
