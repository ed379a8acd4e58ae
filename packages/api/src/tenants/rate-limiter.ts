import type { RateLimits } from './tenant-limits.ts';
import { adjust, take, type BucketState, type RateCost, type RateDecision } from './token-bucket.ts';

/** Per-tenant request and token budgets; see token-bucket.ts for the arithmetic. */
export interface RateLimiter {
  /** Takes `cost` from the tenant's budgets, or refuses and takes nothing. */
  check(tenant: string, limits: RateLimits, cost: RateCost): Promise<RateDecision>;
  /** Corrects the tokens taken once actual usage is known (`tokenDelta` = actual − estimated). */
  correct(tenant: string, limits: RateLimits, tokenDelta: number): Promise<void>;
}

export interface MemoryRateLimiterOptions {
  /** @defaultValue `Date.now` */
  now?: () => number;
}

/**
 * The embedded gateway's limiter: one process, so the buckets live in a map. It holds one entry per
 * configured tenant at most (tenants come from configuration, not from clients).
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const { now = Date.now } = options;
  const buckets = new Map<string, BucketState>();
  return {
    check(tenant, limits, cost) {
      const { state, decision } = take(buckets.get(tenant), limits, cost, now());
      buckets.set(tenant, state);
      return Promise.resolve(decision);
    },
    correct(tenant, limits, tokenDelta) {
      buckets.set(tenant, adjust(buckets.get(tenant), limits, tokenDelta, now()));
      return Promise.resolve();
    },
  };
}
