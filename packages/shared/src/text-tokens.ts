import { countTokens, decode, encode } from 'gpt-tokenizer';

// Special-token text in a prompt or answer (`<|endoftext|>`) is ordinary text here: by default
// the tokenizer throws on it, which turned such prompts into 502s.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Byte-pair merging is quadratic in the length of a run without whitespace (80,000 × `a` took
 * ~4.5 s), so such runs are counted in slices of this many characters: linear, and the count only
 * changes for that kind of input.
 */
const SLICE = 256;
const LONG_RUN = /\S{256,}/g;

/** Tokens in `text` (o200k: an estimate of any model's count). */
export function countTextTokens(text: string): number {
  if (text.length < SLICE) return text === '' ? 0 : countTokens(text, PLAIN_TEXT);
  let tokens = 0;
  let last = 0;
  for (const match of text.matchAll(LONG_RUN)) {
    if (match.index > last) tokens += countTokens(text.slice(last, match.index), PLAIN_TEXT);
    const run = match[0];
    for (let start = 0; start < run.length; start += SLICE) tokens += countTokens(run.slice(start, start + SLICE), PLAIN_TEXT);
    last = match.index + run.length;
  }
  if (last < text.length) tokens += countTokens(text.slice(last), PLAIN_TEXT);
  return tokens;
}

/** The first `maxTokens` tokens of `text`. */
export function truncateToTokens(text: string, maxTokens: number): string {
  return decode(encode(text, PLAIN_TEXT).slice(0, Math.max(0, maxTokens)));
}
