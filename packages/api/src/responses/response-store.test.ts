import { afterAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@llm-gateway/shared';
import { closeRedisConnection, createRedisConnection } from '@llm-gateway/supervisor';
import { testRedisUrl, uniquePrefix } from '@llm-gateway/testkit';
import { createRedisResponseStore } from './redis-response-store.ts';
import { createMemoryResponseStore, type ResponseStore, type ResponseStoreOptions } from './response-store.ts';

const redis = createRedisConnection(testRedisUrl(), { kind: 'wait', name: 'response-store-test' });
afterAll(() => closeRedisConnection(redis));

const turn = (text: string): ChatMessage[] => [
  { role: 'user', content: [{ type: 'text', text }] },
  { role: 'assistant', content: `echo: ${text}` },
];

/** The same bounds, whichever store keeps the conversations. */
describe.each([
  ['in memory', (options: ResponseStoreOptions) => createMemoryResponseStore(options)],
  ['in Redis (real redis-server)', (options: ResponseStoreOptions) => createRedisResponseStore({ redis, prefix: uniquePrefix('responses'), ...options })],
] as const)('the response store (%s)', (_name, create: (options: ResponseStoreOptions) => ResponseStore) => {
  it('gives a conversation back to its tenant only', async () => {
    const store = create({});
    expect(await store.set('alpha', 'resp_1', turn('one'))).toBe(true);
    expect(await store.get('alpha', 'resp_1')).toEqual(turn('one'));
    expect(await store.get('beta', 'resp_1')).toBeUndefined();
    expect(await store.get('alpha', 'resp_2')).toBeUndefined();
  });

  it("keeps at most maxEntries per tenant, dropping the oldest, without touching another tenant's", async () => {
    const store = create({ maxEntries: 3 });
    await store.set('beta', 'resp_b', turn('b'));
    for (const index of [1, 2, 3, 4, 5]) {
      await store.set('alpha', `resp_${index}`, turn(String(index)));
      // Distinct times, so the Redis index orders them as written.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const kept = await Promise.all([1, 2, 3, 4, 5].map(async (index) => (await store.get('alpha', `resp_${index}`)) !== undefined));
    expect(kept).toEqual([false, false, true, true, true]);
    expect(await store.get('beta', 'resp_b')).toEqual(turn('b'));
  });

  it('forgets a conversation after its TTL and refuses one over the size cap', async () => {
    const store = create({ ttlSeconds: 0.05, maxBytes: 1_000 });
    await store.set('alpha', 'resp_short', turn('short'));
    expect(await store.get('alpha', 'resp_short')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.get('alpha', 'resp_short')).toBeUndefined();
    expect(await store.set('alpha', 'resp_long', turn('x'.repeat(2_000)))).toBe(false);
    expect(await store.get('alpha', 'resp_long')).toBeUndefined();
  });

  it('keeps nothing when off', async () => {
    const store = create({ maxEntries: 0 });
    expect(store.enabled).toBe(false);
    expect(await store.set('alpha', 'resp_1', turn('one'))).toBe(false);
    expect(await store.get('alpha', 'resp_1')).toBeUndefined();
  });
});
