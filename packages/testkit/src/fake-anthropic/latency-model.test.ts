import { describe, expect, it } from 'vitest';
import { createLatencyModel } from './latency-model.ts';

const countTokens = (text: string) => text.length;
const mark = { type: 'ephemeral' };
const prompt = (body: string) => ({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: [{ type: 'text', text: body, cache_control: mark }] }] });

describe('createLatencyModel', () => {
  it('charges the fixed latency plus every uncached token on a first request', () => {
    const model = createLatencyModel({ baseMs: 100, uncachedTokenMs: 0.5, cachedTokenMs: 0.05, minCacheableTokens: 1, countTokens, now: () => 0 });
    const plan = model.plan(prompt('x'.repeat(1000)));
    const tokens = plan.usage.inputTokens + plan.usage.cacheCreationTokens;
    expect(plan.usage.cacheReadTokens).toBe(0);
    expect(plan.delayMs).toBeCloseTo(100 + tokens * 0.5);
  });

  it('charges a cached prefix at the cached rate, so a repeat costs less by the difference', () => {
    const model = createLatencyModel({ baseMs: 100, uncachedTokenMs: 0.5, cachedTokenMs: 0.05, minCacheableTokens: 1, countTokens, now: () => 0 });
    const first = model.plan(prompt('x'.repeat(1000)));
    const again = model.plan(prompt('x'.repeat(1000)));
    expect(again.usage).toEqual({ inputTokens: 0, cacheReadTokens: first.usage.cacheCreationTokens, cacheCreationTokens: 0 });
    expect(again.delayMs).toBeCloseTo(100 + again.usage.cacheReadTokens * 0.05);
    expect(first.delayMs - again.delayMs).toBeCloseTo(again.usage.cacheReadTokens * (0.5 - 0.05));
  });

  it('defaults to 500 ms and 0.03 ms per uncached token', () => {
    const model = createLatencyModel({ countTokens, now: () => 0 });
    // No breakpoint: nothing is cached, all of it is plain input.
    const plan = model.plan({ model: 'm', messages: [{ role: 'user', content: 'short' }] });
    expect(plan.usage.cacheReadTokens + plan.usage.cacheCreationTokens).toBe(0);
    expect(plan.delayMs).toBeCloseTo(500 + plan.usage.inputTokens * 0.03);
  });
});
