import { describe, expect, it } from 'vitest';
import { completionId, randomId, responseItemId } from './ids.ts';

describe('ids', () => {
  it('makes base62 ids of the asked length that do not repeat', () => {
    const ids = new Set(Array.from({ length: 5_000 }, () => randomId(12)));
    expect(ids.size).toBe(5_000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
  });

  it('spreads characters evenly', () => {
    const counts = new Map<string, number>();
    for (const char of randomId(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBeGreaterThan(700);
  });

  it('prefixes completion ids as OpenAI does', () => {
    expect(completionId()).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
  });

  it('prefixes Responses API ids as OpenAI does', () => {
    expect(responseItemId('resp')).toMatch(/^resp_[A-Za-z0-9]{24}$/);
    expect(responseItemId('fc')).toMatch(/^fc_[A-Za-z0-9]{24}$/);
  });
});
