import { countTextTokens } from '@llm-gateway/shared';

/** Texts this long or longer are counted every time: memoising them would hold too much memory. */
const MAX_MEMO_TEXT_LENGTH = 4_096;

export interface TokenCountMemoOptions {
  /** Texts remembered; the least recently used is forgotten first. @defaultValue 512 */
  capacity?: number;
}

/**
 * `countTextTokens` behind a small LRU memo. The mock answers the same prompts over and over
 * (tests, benchmarks), and byte-pair counting of a prompt and its reply was the largest part of
 * the mock path's CPU (measured). Memory is bounded by `capacity` × {@link MAX_MEMO_TEXT_LENGTH}.
 */
export function createTokenCountMemo(options: TokenCountMemoOptions = {}): (text: string) => number {
  const { capacity = 512 } = options;
  const counts = new Map<string, number>();
  return (text) => {
    if (text.length >= MAX_MEMO_TEXT_LENGTH) return countTextTokens(text);
    const known = counts.get(text);
    if (known !== undefined) {
      // A Map iterates in insertion order: re-inserting makes this entry the most recent.
      counts.delete(text);
      counts.set(text, known);
      return known;
    }
    const tokens = countTextTokens(text);
    counts.set(text, tokens);
    if (counts.size > capacity) counts.delete(counts.keys().next().value!);
    return tokens;
  };
}
