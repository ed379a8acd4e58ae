import { countTokens, decode, encode } from 'gpt-tokenizer';

// Special-token text in a prompt or answer (`<|endoftext|>`) is ordinary text here: by default
// the tokenizer throws on it, which turned such prompts into 502s.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens in `text` (o200k: an estimate of any model's count). */
export function countTextTokens(text: string): number {
  return text === '' ? 0 : countTokens(text, PLAIN_TEXT);
}

/** The first `maxTokens` tokens of `text`. */
export function truncateToTokens(text: string, maxTokens: number): string {
  return decode(encode(text, PLAIN_TEXT).slice(0, Math.max(0, maxTokens)));
}
