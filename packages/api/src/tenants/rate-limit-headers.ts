import type { Context } from 'hono';
import { GatewayError } from '@llm-gateway/shared';
import type { RateLimits } from './tenant-limits.ts';
import type { RateDecision } from './token-bucket.ts';

/**
 * A duration as OpenAI writes it in `x-ratelimit-reset-*` (Go's notation): `0s`, `250ms`,
 * `1.5s`, `6m0s`, `1h2m3s`.
 */
export function formatResetDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = trimZeros(((ms % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

function trimZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

/** OpenAI's `x-ratelimit-*` headers for the limits that are set (0 = none, no headers). */
export function setRateLimitHeaders(c: Context, limits: RateLimits, decision: RateDecision): void {
  if (limits.rpm > 0) {
    c.header('x-ratelimit-limit-requests', String(limits.rpm));
    c.header('x-ratelimit-remaining-requests', String(decision.remainingRequests));
    c.header('x-ratelimit-reset-requests', formatResetDuration(decision.resetRequestsMs));
  }
  if (limits.tpm > 0) {
    c.header('x-ratelimit-limit-tokens', String(limits.tpm));
    c.header('x-ratelimit-remaining-tokens', String(decision.remainingTokens));
    c.header('x-ratelimit-reset-tokens', formatResetDuration(decision.resetTokensMs));
  }
}

/** The 429 for a refused request, worded as OpenAI words it. */
export function rateLimitError(tenant: string, limits: RateLimits, decision: RateDecision): GatewayError {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const what =
    decision.exceeded === 'tokens'
      ? `tokens per min (TPM): Limit ${limits.tpm}, Remaining ${decision.remainingTokens}`
      : `requests per min (RPM): Limit ${limits.rpm}, Remaining ${decision.remainingRequests}`;
  return new GatewayError('rate_limit_exceeded', `Rate limit reached for tenant '${tenant}' on ${what}. Please try again in ${seconds}s.`, {
    retryAfter: decision.retryAfterMs / 1000,
    // OpenAI's type says which budget ran out.
    type: decision.exceeded === 'tokens' ? 'tokens' : 'requests',
  });
}

/** The 429 for a request that alone needs more tokens than the tenant gets per minute: waiting cannot help. */
export function tooLargeForLimitError(tenant: string, limits: RateLimits, tokens: number): GatewayError {
  return new GatewayError(
    'rate_limit_exceeded',
    `Request too large for tenant '${tenant}' on tokens per min (TPM): Limit ${limits.tpm}, Requested ${tokens}. Send a shorter prompt.`,
    { retryAfter: 60, type: 'tokens' },
  );
}
