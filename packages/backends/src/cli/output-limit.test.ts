import { describe, expect, it } from 'vitest';
import { createOutputLimit } from './output-limit.ts';

function feed(deltas: string[], options: Parameters<typeof createOutputLimit>[0]) {
  const limit = createOutputLimit(options);
  let text = '';
  for (const delta of deltas) {
    const step = limit.push(delta);
    text += step.text;
    if (step.finish) return { text, finish: step.finish };
  }
  const rest = limit.flush();
  return { text: text + rest.text, finish: rest.finish };
}

describe('createOutputLimit', () => {
  it('passes text through untouched without limits', () => {
    expect(feed(['a', 'b', 'c'], {})).toEqual({ text: 'abc', finish: undefined });
  });

  it('finds a stop sequence split across deltas and emits nothing after it', () => {
    expect(feed(['Hello E', 'N', 'D and more'], { stop: ['END'] })).toEqual({ text: 'Hello ', finish: 'stop' });
    expect(feed(['xx', 'STOP2'], { stop: ['NEVER', 'STOP'] })).toEqual({ text: 'xx', finish: 'stop' });
  });

  it('releases held-back text when no stop sequence follows', () => {
    expect(feed(['Hello E', 'ND'], { stop: ['ENDS'] })).toEqual({ text: 'Hello END', finish: undefined });
  });

  it('cuts at max tokens', () => {
    const result = feed(['one two three four five six'], { maxTokens: 3 });
    expect(result).toEqual({ text: 'one two three', finish: 'length' });
  });

  it('does not cut an answer that fits exactly', () => {
    expect(feed(['one two', ' three'], { maxTokens: 3 })).toEqual({ text: 'one two three', finish: undefined });
  });

  it('counts the tokens it let through when a stop sequence cuts the answer, with no max_tokens', () => {
    const limit = createOutputLimit({ stop: ['END'] });
    const first = limit.push('one two three ');
    const last = limit.push('four END five');
    expect(first.text + last.text).toBe('one two three four ');
    expect(last.finish).toBe('stop');
    // Counted on the whole text: 'one', ' two', ' three', ' four', ' ' in OpenAI's o200k.
    expect(limit.tokens).toBe(5);
  });
});
