import { describe, expect, it } from 'vitest';
import { createBatchedDestination } from './batched-destination.ts';

describe('createBatchedDestination', () => {
  it('hands lines on joined, once a batch is full', () => {
    const written: string[] = [];
    const destination = createBatchedDestination({ write: (text) => written.push(text) }, { batchChars: 10 });
    destination.write('abcd\n');
    expect(written).toEqual([]);
    destination.write('efgh\n');
    expect(written).toEqual(['abcd\nefgh\n']);
  });

  it('hands on what it holds when drained or flushed, and nothing when empty', () => {
    const written: string[] = [];
    let flushed = 0;
    const destination = createBatchedDestination({ write: (text) => written.push(text), flush: (callback) => { flushed += 1; callback?.(); } });
    destination.drain();
    destination.write('one\n');
    destination.drain();
    destination.write('two\n');
    let called = false;
    destination.flush(() => (called = true));
    expect(written).toEqual(['one\n', 'two\n']);
    expect(flushed).toBe(1);
    expect(called).toBe(true);
  });
});

describe('createBatchedDestination take', () => {
  it('takes the collected lines out without handing them on', () => {
    const written: string[] = [];
    const destination = createBatchedDestination({ write: (text) => written.push(text) });
    expect(destination.take()).toBe('');
    destination.write('a\n');
    destination.write('b\n');
    expect(destination.take()).toBe('a\nb\n');
    destination.drain();
    expect(written).toEqual([]);
  });
});
