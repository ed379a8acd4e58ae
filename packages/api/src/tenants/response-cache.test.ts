import { afterAll, describe, expect, it } from 'vitest';
import { closeRedisConnection, createRedisConnection } from '@llm-gateway/shared/redis';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createRedisResponseCache } from './redis-response-cache.ts';
import { createMemoryResponseCache, type CachedAnswer } from './response-cache.ts';

const answer = (text: string): CachedAnswer => ({ text, toolCalls: [], usage: { promptTokens: 3, completionTokens: 2 }, finishReason: 'stop' });

describe('the in-memory response cache', () => {
  it('keeps answers per tenant until their TTL', async () => {
    let now = 0;
    const cache = createMemoryResponseCache({ now: () => now });
    await cache.set('alpha', 'k', answer('a'), 10);
    expect(await cache.get('alpha', 'k')).toEqual(answer('a'));
    expect(await cache.get('beta', 'k')).toBeUndefined();
    now = 9_999;
    expect(await cache.get('alpha', 'k')).toBeDefined();
    now = 10_000;
    expect(await cache.get('alpha', 'k')).toBeUndefined();
  });

  it('drops the least recently used beyond its size, and answers too long to keep', async () => {
    const cache = createMemoryResponseCache({ maxEntries: 2, maxAnswerChars: 10 });
    await cache.set('t', 'one', answer('1'), 60);
    await cache.set('t', 'two', answer('2'), 60);
    await cache.get('t', 'one');
    await cache.set('t', 'three', answer('3'), 60);
    expect(await cache.get('t', 'two')).toBeUndefined();
    expect(await cache.get('t', 'one')).toBeDefined();
    expect(await cache.get('t', 'three')).toBeDefined();
    await cache.set('t', 'long', answer('x'.repeat(11)), 60);
    expect(await cache.get('t', 'long')).toBeUndefined();
  });
});

describe('the Redis response cache (real redis-server)', () => {
  const redis = createRedisConnection(testRedisUrl(), { kind: 'wait', name: 'cache-test' });
  afterAll(() => closeRedisConnection(redis));

  it('shares answers under a tenant-scoped key with the TTL, and treats garbage as a miss', async () => {
    const prefix = uniquePrefix('cache');
    const cache = createRedisResponseCache({ redis, prefix });
    await cache.set('alpha', 'k1', answer('a'), 30);
    expect(await createRedisResponseCache({ redis, prefix }).get('alpha', 'k1')).toEqual(answer('a'));
    expect(await cache.get('beta', 'k1')).toBeUndefined();
    const ttl = await redis.pttl(`${prefix}:cache:alpha:k1`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await redis.set(`${prefix}:cache:alpha:k2`, '{"text":1}');
    expect(await cache.get('alpha', 'k2')).toBeUndefined();
    await cache.set('alpha', 'k3', answer('a'), 0);
    expect(await redis.exists(`${prefix}:cache:alpha:k3`)).toBe(0);
  });
});
