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
});
