import { describe, expect, it } from 'vitest';
import { createPromptCache, promptBlocks } from './prompt-cache.ts';

/** One token per character keeps the arithmetic readable. */
const countTokens = (text: string) => text.length;
const mark = { type: 'ephemeral' };
const text = (body: string, cached = false) => ({ type: 'text', text: body, ...(cached ? { cache_control: mark } : {}) });
const history = 'h'.repeat(3000);

/** Shaped like the CLI's requests: system blocks, the prompt, then a turn that ends in a tool call. */
function firstRequest() {
  return { model: 'claude-sonnet-4-6', system: [text('preamble', true)], messages: [{ role: 'user', content: [text(history, true)] }] };
}
function followUp(result: string) {
  return {
    model: 'claude-sonnet-4-6',
    system: [text('preamble', true)],
    messages: [
      // The CLI sends the earlier prompt as a string the second time: the same block to the cache.
      { role: 'user', content: history },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: result, cache_control: mark }] },
    ],
  };
}

describe('promptBlocks', () => {
  it('reads tools, system and messages in order, without cache_control, and marks breakpoints', () => {
    const blocks = promptBlocks(
      { tools: [{ name: 't', input_schema: {} }], system: 'be brief', messages: [{ role: 'user', content: [text('hi', true)] }] },
      300_000,
      countTokens,
    );
    expect(blocks.map((block) => [block.key, block.ttlMs])).toEqual([
      ['tool:{"name":"t","input_schema":{}}', undefined],
      ['system:{"type":"text","text":"be brief"}', undefined],
      ['user:{"type":"text","text":"hi"}', 300_000],
    ]);
  });

  it('keeps a block marked with ttl 1h for an hour', () => {
    const [block] = promptBlocks({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '1h' } }] }] }, 300_000);
    expect(block!.ttlMs).toBe(3_600_000);
  });
});

describe('createPromptCache', () => {
  it('writes a marked prefix, then reads it back for a request that extends it', () => {
    const cache = createPromptCache({ countTokens, now: () => 0 });
    const first = cache.account(firstRequest());
    const total = (body: unknown) => promptBlocks(body, 0, countTokens).reduce((sum, block) => sum + block.tokens, 0);
    expect(first).toEqual({ inputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: total(firstRequest()) });

    const second = cache.account(followUp('r'.repeat(2000)));
    expect(second.cacheReadTokens).toBe(total(firstRequest()));
    expect(second.inputTokens).toBe(0);
    expect(second.cacheReadTokens + second.cacheCreationTokens).toBe(total(followUp('r'.repeat(2000))));
  });

  it('reads nothing for a prompt whose first block differs, even if everything after it is the same', () => {
    const cache = createPromptCache({ countTokens, now: () => 0 });
    cache.account(firstRequest());
    const rendered = { ...firstRequest(), messages: [{ role: 'user', content: [text(`${history} and more`, true)] }] };
    const account = cache.account(rendered);
    expect(account.cacheReadTokens).toBe(0);
    expect(account.cacheCreationTokens).toBeGreaterThan(3000);
  });

  it('forgets a prefix after its TTL, and a hit renews it', () => {
    let clock = 0;
    const cache = createPromptCache({ countTokens, ttlMs: 1_000, now: () => clock });
    cache.account(firstRequest());
    clock = 900;
    expect(cache.account(firstRequest()).cacheReadTokens).toBeGreaterThan(0);
    clock = 1_800; // 900 ms after the hit: renewed
    expect(cache.account(firstRequest()).cacheReadTokens).toBeGreaterThan(0);
    clock = 3_000;
    expect(cache.size).toBe(0);
    expect(cache.account(firstRequest())).toMatchObject({ cacheReadTokens: 0 });
  });

  it('stores no prefix shorter than the minimum, and counts it as plain input', () => {
    const cache = createPromptCache({ countTokens, minCacheableTokens: 5_000, now: () => 0 });
    const request = firstRequest();
    expect(cache.account(request)).toMatchObject({ cacheReadTokens: 0, cacheCreationTokens: 0 });
    expect(cache.account(request)).toMatchObject({ cacheReadTokens: 0, cacheCreationTokens: 0 });
    expect(cache.size).toBe(0);
  });

  it('finds a stored prefix only within the lookback before a breakpoint', () => {
    const cache = createPromptCache({ countTokens, lookbackBlocks: 2, minCacheableTokens: 1, now: () => 0 });
    const head = [text(history, true)];
    const tail = (count: number) => Array.from({ length: count }, (_, index) => text(`block ${index}`));
    cache.account({ model: 'm', messages: [{ role: 'user', content: head }] });
    const near = { model: 'm', messages: [{ role: 'user', content: [...head, { ...tail(1)[0]!, cache_control: mark }] }] };
    expect(cache.account(near).cacheReadTokens).toBe(promptBlocks({ messages: [{ role: 'user', content: head }] }, 0, countTokens)[0]!.tokens);
    // The same head, unmarked this time: the one breakpoint is too far after it.
    const far = { model: 'm', messages: [{ role: 'user', content: [text(history), ...tail(3), text('end', true)] }] };
    expect(cache.account(far).cacheReadTokens).toBe(0);
  });

  it('keeps one cache per model', () => {
    const cache = createPromptCache({ countTokens, now: () => 0 });
    cache.account(firstRequest());
    expect(cache.account({ ...firstRequest(), model: 'claude-haiku-4-5' }).cacheReadTokens).toBe(0);
  });
});
