import { describe, expect, it } from 'vitest';
import { countTextTokens } from '@llm-gateway/shared';
import { createTokenCountMemo } from './token-count-memo.ts';

describe('createTokenCountMemo', () => {
  it('counts as countTextTokens does, remembered or not', () => {
    const count = createTokenCountMemo({ capacity: 2 });
    for (const text of ['', 'Hello!', 'Hello!', 'a b c', 'x'.repeat(5_000), 'Hello!']) {
      expect(count(text)).toBe(countTextTokens(text));
    }
  });

  it('keeps at most `capacity` texts, forgetting the least recently used', () => {
    const count = createTokenCountMemo({ capacity: 2 });
    count('one');
    count('two');
    count('one');
    count('three');
    // 'two' was the least recently used: counting it again still gives the right answer.
    expect(count('two')).toBe(countTextTokens('two'));
    expect(count('one')).toBe(countTextTokens('one'));
  });
});
