import { countTextTokens as countText } from '@llm-gateway/shared/text-tokens';

/**
 * Tokens in a list of texts (o200k encoding, an estimate of any model's count). Shared by the
 * inline path and the worker so both give the same number; the worker imports only this file and
 * the shared tokenizer helper, not the whole shared package.
 */
export function countTextTokens(texts: readonly string[]): number {
  let tokens = 0;
  for (const text of texts) tokens += countText(text);
  return tokens;
}
