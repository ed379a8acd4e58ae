import { countTokens } from 'gpt-tokenizer';
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

describe('long runs without whitespace', () => {
  it('are counted in linear time', () => {
    const started = performance.now();
    const tokens = countTextTokens('a'.repeat(200_000));
    // Unsliced, 80,000 characters took seconds; sliced, 200,000 take milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(tokens).toBeGreaterThan(200_000 / 256);
  });

  it('leave ordinary text counted exactly as the tokenizer counts it', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(40);
    expect(countTextTokens(text)).toBe(countTokens(text));
    expect(countTextTokens(`${'x'.repeat(300)} tail`)).toBeGreaterThan(countTextTokens('x'.repeat(300)));
  });
});
