import type { RateLimits } from './tenant-limits.ts';

/**
 * Two token buckets per tenant, one for requests and one for tokens. Each holds up to its
 * per-minute limit and refills continuously at limit/60 s, so a tenant may burst up to the limit
 * and then goes at the limit's pace. The token level may go below zero when actual usage exceeds
 * the estimate: that debt is paid back by waiting. Pure functions of the state and the time, so
 * the same arithmetic runs in memory, in the Redis script (rate-limit-script.ts) and in tests.
 */
export interface BucketState {
  requests: number;
  tokens: number;
  /** Epoch milliseconds of the last update. */
  updatedAt: number;
}

/**
 * What one check takes: the request (1, or 0 when it was taken already) and its tokens. The API
 * takes the request before it reads the body and the tokens once it has counted them.
 */
export interface RateCost {
  requests: number;
  tokens: number;
}

/** What a check answers; the `x-ratelimit-*` headers come from it. */
export interface RateDecision {
  allowed: boolean;
  /** Which limit refused the request. */
  exceeded?: 'requests' | 'tokens';
  /** How long until the request could pass (0 when allowed). */
  retryAfterMs: number;
  remainingRequests: number;
  remainingTokens: number;
  /** Time until each bucket is full again. */
  resetRequestsMs: number;
  resetTokensMs: number;
}

const MINUTE_MS = 60_000;

/** The level of one bucket after `elapsedMs` of refill. */
export function refill(level: number, limit: number, elapsedMs: number): number {
  return Math.min(limit, level + (Math.max(0, elapsedMs) * limit) / MINUTE_MS);
}

/** Milliseconds until a bucket of `limit` refills from `level` to `target`. */
export function timeToReach(level: number, limit: number, target: number): number {
  if (limit <= 0 || level >= target) return 0;
  return Math.ceil(((target - level) * MINUTE_MS) / limit);
}

/** Brings a (possibly missing) state to `now`; a new tenant starts with full buckets. */
export function current(state: BucketState | undefined, limits: RateLimits, now: number): BucketState {
  if (!state) return { requests: limits.rpm, tokens: limits.tpm, updatedAt: now };
  const elapsed = now - state.updatedAt;
  return { requests: refill(state.requests, limits.rpm, elapsed), tokens: refill(state.tokens, limits.tpm, elapsed), updatedAt: now };
}

/**
 * Takes the cost's requests and tokens when both buckets hold enough, else nothing. A limit of 0
 * is no limit; a cost of 0 passes its bucket even when it is empty or in debt.
 */
export function take(
  state: BucketState | undefined,
  limits: RateLimits,
  cost: RateCost,
  now: number,
): { state: BucketState; decision: RateDecision } {
  const level = current(state, limits, now);
  const requestsWait = limits.rpm > 0 && cost.requests > 0 ? timeToReach(level.requests, limits.rpm, cost.requests) : 0;
  const tokensWait = limits.tpm > 0 && cost.tokens > 0 ? timeToReach(level.tokens, limits.tpm, cost.tokens) : 0;
  const allowed = requestsWait === 0 && tokensWait === 0;
  if (allowed) {
    if (limits.rpm > 0) level.requests -= cost.requests;
    if (limits.tpm > 0) level.tokens -= cost.tokens;
  }
  const decision: RateDecision = {
    allowed,
    retryAfterMs: Math.max(requestsWait, tokensWait),
    ...snapshot(level, limits),
  };
  if (!allowed) decision.exceeded = requestsWait >= tokensWait ? 'requests' : 'tokens';
  return { state: level, decision };
}

/** Adds `tokenDelta` to the tokens taken (negative gives some back, never above the limit). */
export function adjust(state: BucketState | undefined, limits: RateLimits, tokenDelta: number, now: number): BucketState {
  const level = current(state, limits, now);
  if (limits.tpm > 0) level.tokens = Math.min(limits.tpm, level.tokens - tokenDelta);
  return level;
}

function snapshot(level: BucketState, limits: RateLimits) {
  return {
    remainingRequests: Math.max(0, Math.floor(level.requests)),
    remainingTokens: Math.max(0, Math.floor(level.tokens)),
    resetRequestsMs: timeToReach(level.requests, limits.rpm, limits.rpm),
    resetTokensMs: timeToReach(level.tokens, limits.tpm, limits.tpm),
  };
}
