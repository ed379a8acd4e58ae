import { describe, expect, it } from 'vitest';
import { countTextTokens, truncateToTokens } from './text-tokens.ts';

describe('text tokens', () => {
  it('counts special-token text as plain text instead of throwing', () => {
    expect(countTextTokens('say <|endoftext|> please')).toBeGreaterThan(3);
    expect(truncateToTokens('a <|endoftext|> b c d', 3).length).toBeGreaterThan(0);
  });

  it('truncates at the token count', () => {
    const text = 'one two three four five six';
    expect(countTextTokens(truncateToTokens(text, 3))).toBe(3);
    expect(truncateToTokens(text, 100)).toBe(text);
    expect(countTextTokens('')).toBe(0);
  });
});
