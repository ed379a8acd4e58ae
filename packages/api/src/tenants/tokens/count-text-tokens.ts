import { countTokens } from 'gpt-tokenizer';

// Special-token text in a prompt (`<|endoftext|>`) is counted as plain text, never refused.
const PLAIN = { disallowedSpecial: new Set<string>() };

/**
 * Tokens in a list of texts (o200k encoding, an estimate of any model's count). Shared by the
 * inline path and the worker so both give the same number.
 */
export function countTextTokens(texts: readonly string[]): number {
  let tokens = 0;
  for (const text of texts) if (text !== '') tokens += countTokens(text, PLAIN);
  return tokens;
}
