import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.ts';

describe('createLineSplitter', () => {
  it('joins chunks into lines, with either line ending, and flushes the rest', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), 1_000);
    splitter.push('{"a":');
    splitter.push('1}\r\n{"b":2}\nwarn');
    splitter.push('ing');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    splitter.flush();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', 'warning']);
  });

  it('cuts a runaway line at the limit', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), 10);
    splitter.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(25)]);
  });
});
