import { describe, expect, it } from 'vitest';
import { adjust, refill, take, timeToReach, type BucketState } from './token-bucket.ts';

describe('token buckets', () => {
  const limits = { rpm: 60, tpm: 6_000 };

  it('lets a new tenant burst up to the limit, then goes at the limit pace', () => {
    let state: BucketState | undefined;
    const t0 = 1_000_000;
    for (let index = 0; index < 60; index++) {
      const result = take(state, limits, { requests: 1, tokens: 0 }, t0);
      expect(result.decision.allowed).toBe(true);
      state = result.state;
    }
    const refused = take(state, limits, { requests: 1, tokens: 0 }, t0);
    expect(refused.decision).toMatchObject({ allowed: false, exceeded: 'requests', retryAfterMs: 1_000, remainingRequests: 0 });
    expect(refused.decision.resetRequestsMs).toBe(60_000);
    // 60 per minute is one per second: 999 ms is too early, 1 s later one more passes.
    expect(take(refused.state, limits, { requests: 1, tokens: 0 }, t0 + 999).decision.allowed).toBe(false);
    const later = take(refused.state, limits, { requests: 1, tokens: 0 }, t0 + 1_000);
    expect(later.decision).toMatchObject({ allowed: true, remainingRequests: 0 });
  });

  it('refuses without taking anything, and reports the longer wait', () => {
    const first = take(undefined, limits, { requests: 1, tokens: 5_000 }, 0);
    expect(first.decision).toMatchObject({ allowed: true, remainingRequests: 59, remainingTokens: 1_000 });
    const second = take(first.state, limits, { requests: 1, tokens: 3_000 }, 0);
    // 2,000 tokens missing at 100 tokens/s: 20 s.
    expect(second.decision).toMatchObject({ allowed: false, exceeded: 'tokens', retryAfterMs: 20_000, remainingRequests: 59 });
    expect(second.state.requests).toBe(59);
    expect(second.state.tokens).toBe(1_000);
  });

  it('treats a limit of 0 as none, and a cost of 0 tokens passes even in debt', () => {
    const onlyTokens = { rpm: 0, tpm: 100 };
    let state = take(undefined, onlyTokens, { requests: 1, tokens: 100 }, 0).state;
    expect(take(state, onlyTokens, { requests: 1, tokens: 1 }, 0).decision.allowed).toBe(false);
    state = adjust(state, onlyTokens, 50, 0);
    expect(state.tokens).toBe(-50);
    expect(take(state, onlyTokens, { requests: 1, tokens: 0 }, 0).decision.allowed).toBe(true);
    expect(take(undefined, { rpm: 0, tpm: 0 }, { requests: 1, tokens: 1e9 }, 0).decision.allowed).toBe(true);
  });

  it('corrects with actual usage: more used is debt paid back by waiting, less used is given back up to the limit', () => {
    const state = take(undefined, limits, { requests: 1, tokens: 1_000 }, 0).state;
    expect(adjust(state, limits, 4_000, 0).tokens).toBe(1_000);
    expect(adjust(state, limits, -500, 0).tokens).toBe(5_500);
    expect(adjust(state, limits, -5_000, 0).tokens).toBe(6_000);
    // 7,000 in debt: a 1,000-token request waits for 8,000 tokens of refill at 100 tokens/s.
    const inDebt = adjust(state, limits, 12_000, 0);
    expect(inDebt.tokens).toBe(-7_000);
    expect(take(inDebt, limits, { requests: 1, tokens: 1_000 }, 0).decision.retryAfterMs).toBe(80_000);
  });

  it('takes a request and its tokens in two steps, counting the request once', () => {
    const both = { rpm: 1, tpm: 100 };
    const request = take(undefined, both, { requests: 1, tokens: 0 }, 0);
    expect(request.decision).toMatchObject({ allowed: true, remainingRequests: 0, remainingTokens: 100 });
    // The request bucket is empty now; the same request's tokens still pass, and take no request.
    const tokens = take(request.state, both, { requests: 0, tokens: 40 }, 0);
    expect(tokens.decision).toMatchObject({ allowed: true, remainingRequests: 0, remainingTokens: 60 });
    expect(tokens.state.requests).toBe(0);
    expect(take(tokens.state, both, { requests: 1, tokens: 0 }, 0).decision).toMatchObject({ allowed: false, exceeded: 'requests' });
  });

  it('refills linearly and never above the limit; the clock going backwards refills nothing', () => {
    expect(refill(0, 60, 30_000)).toBe(30);
    expect(refill(50, 60, 60_000)).toBe(60);
    expect(refill(10, 60, -5_000)).toBe(10);
    expect(timeToReach(0, 60, 60)).toBe(60_000);
    expect(timeToReach(60, 60, 1)).toBe(0);
    expect(timeToReach(0, 0, 1)).toBe(0);
  });
});
