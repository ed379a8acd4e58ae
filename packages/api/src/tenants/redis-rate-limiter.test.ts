import { afterAll, describe, expect, it } from 'vitest';
import { closeRedisConnection, createRedisConnection } from '@llm-gateway/shared/redis';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createRedisRateLimiter } from './redis-rate-limiter.ts';

describe('the Redis rate limiter (real redis-server)', () => {
  const connections = [0, 1].map((index) => createRedisConnection(testRedisUrl(), { kind: 'wait', name: `limiter-test-${index}` }));
  afterAll(async () => {
    await Promise.all(connections.map(closeRedisConnection));
  });
  const prefix = uniquePrefix('limits');
  // Two replicas: two connections, one bucket.
  const [first, second] = connections.map((redis) => createRedisRateLimiter({ redis, prefix }));

  it('holds one tenant to its limit across replicas, without touching another tenant', async () => {
    const limits = { rpm: 3, tpm: 0 };
    const decisions = [];
    for (const limiter of [first!, second!, first!, second!]) decisions.push(await limiter.check('alpha', limits, { requests: 1, tokens: 0 }));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((decision) => decision.remainingRequests)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ exceeded: 'requests' });
    // 3 per minute: the next one in about 20 s (less what elapsed during the test).
    expect(decisions[3]!.retryAfterMs).toBeGreaterThan(19_000);
    expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(20_000);
    expect((await second!.check('beta', limits, { requests: 1, tokens: 0 })).allowed).toBe(true);
  });

  it('takes tokens, refuses what does not fit, and is corrected with actual usage', async () => {
    const limits = { rpm: 0, tpm: 6_000 };
    expect(await first!.check('gamma', limits, { requests: 1, tokens: 5_000 })).toMatchObject({ allowed: true, remainingTokens: 1_000 });
    const refused = await second!.check('gamma', limits, { requests: 1, tokens: 3_000 });
    expect(refused).toMatchObject({ allowed: false, exceeded: 'tokens' });
    expect(refused.retryAfterMs).toBeGreaterThan(19_000);
    await second!.correct('gamma', limits, -4_000);
    const after = await first!.check('gamma', limits, { requests: 1, tokens: 3_000 });
    expect(after.allowed).toBe(true);
    expect(after.remainingTokens).toBeGreaterThanOrEqual(2_000);
    expect(after.remainingTokens).toBeLessThan(2_100);
  });

  it('takes a request and its tokens in two steps, counting the request once', async () => {
    const limits = { rpm: 1, tpm: 100 };
    expect(await first!.check('epsilon', limits, { requests: 1, tokens: 0 })).toMatchObject({ allowed: true, remainingRequests: 0, remainingTokens: 100 });
    expect(await second!.check('epsilon', limits, { requests: 0, tokens: 40 })).toMatchObject({ allowed: true, remainingRequests: 0, remainingTokens: 60 });
    expect(await first!.check('epsilon', limits, { requests: 1, tokens: 0 })).toMatchObject({ allowed: false, exceeded: 'requests' });
  });

  it('lets a bucket key expire once it would be full again', async () => {
    await first!.check('delta', { rpm: 600, tpm: 0 }, { requests: 1, tokens: 0 });
    const ttl = await connections[0]!.pttl(`${prefix}:ratelimit:delta`);
    // One request of 600/min refills in 100 ms; the key lives that long plus a second.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });
});
