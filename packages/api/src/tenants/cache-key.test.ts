import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '@llm-gateway/shared';
import { cacheKey, canonicalJson } from './cache-key.ts';
import { wantsCache } from './cache-policy.ts';

const normalized = (body: Record<string, unknown>) => parseChatRequest({ model: 'claude-sonnet', ...body }).request;

describe('cache keys', () => {
  it('sorts object keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe('{"a":{"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('are equal for requests that normalize alike', () => {
    const plain = normalized({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 10, temperature: 0 });
    const parts = normalized({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_completion_tokens: 10, temperature: 0, stream: true });
    expect(cacheKey('alpha', parts)).toBe(cacheKey('alpha', plain));
    const schemaA = normalized({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] });
    const schemaB = normalized({ messages: [{ role: 'user', content: 'Hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: { properties: {}, type: 'object' } } }] });
    expect(cacheKey('alpha', schemaA)).toBe(cacheKey('alpha', schemaB));
  });

  it('differ by tenant and by anything that can change the answer', () => {
    const base = { messages: [{ role: 'user', content: 'Hi' }], temperature: 0 };
    const key = cacheKey('alpha', normalized(base));
    expect(cacheKey('beta', normalized(base))).not.toBe(key);
    expect(cacheKey('alpha', normalized({ ...base, model: 'claude-haiku' }))).not.toBe(key);
    expect(cacheKey('alpha', normalized({ ...base, messages: [{ role: 'user', content: 'Hi!' }] }))).not.toBe(key);
    expect(cacheKey('alpha', normalized({ ...base, messages: [{ role: 'system', content: 'Hi' }] }))).not.toBe(key);
    expect(cacheKey('alpha', normalized({ ...base, max_tokens: 5 }))).not.toBe(key);
    expect(cacheKey('alpha', normalized({ ...base, stop: 'x' }))).not.toBe(key);
  });
});

describe('wantsCache', () => {
  it('caches deterministic requests by default; the header opts in or out', () => {
    expect(wantsCache(undefined, { temperature: 0 })).toBe(true);
    expect(wantsCache(undefined, { temperature: 0.7 })).toBe(false);
    expect(wantsCache(undefined, {})).toBe(false);
    expect(wantsCache('use', { temperature: 1 })).toBe(true);
    expect(wantsCache(' Use ', {})).toBe(true);
    expect(wantsCache('bypass', { temperature: 0 })).toBe(false);
    expect(wantsCache('whatever', { temperature: 0 })).toBe(true);
  });
});
