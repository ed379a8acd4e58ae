import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { createThrottledLogger } from './log-throttle.ts';

interface Line {
  level: number;
  msg: string;
  kind: string;
  count: number;
  [field: string]: unknown;
}

function capture() {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  // Synchronous enough for the test: pino writes each line to the stream as it is logged.
  return { lines, log: pino({ level: 'warn' }, destination) };
}

describe('the throttled logger', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first line of a kind at once, then one line a second with the count', () => {
    const { lines, log } = capture();
    const throttled = createThrottledLogger(log);
    // A Redis outage: 1,000 failures a second for 3 seconds, two kinds.
    for (let second = 0; second < 3; second++) {
      for (let index = 0; index < 1_000; index++) {
        throttled.write('error', 'backend_unavailable', { requestId: `r${second}-${index}` }, 'request failed');
        if (index % 10 === 0) throttled.write('warn', 'enqueue', {}, 'could not enqueue the job');
        vi.advanceTimersByTime(1);
      }
    }
    const failed = lines.filter((line) => line.kind === 'backend_unavailable');
    // 3,000 failures in four lines: at 0 s, 1 s, 2 s and 3 s.
    expect(failed.map((line) => line.count)).toEqual([1, 999, 1_000, 1_000]);
    // The summary carries the latest line's fields.
    expect(failed[1]).toMatchObject({ msg: 'request failed', requestId: 'r0-999', level: 50 });
    expect(lines.filter((line) => line.kind === 'enqueue').map((line) => line.count)).toEqual([1, 99, 100, 100]);
    // A quiet second ends the throttle for that kind: no more lines, no timers left.
    vi.advanceTimersByTime(5_000);
    expect(lines.filter((line) => line.kind === 'backend_unavailable')).toHaveLength(4);
    expect(vi.getTimerCount()).toBe(0);
    const before = lines.length;
    throttled.write('error', 'backend_unavailable', {}, 'request failed');
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)).toMatchObject({ count: 1 });
  });

  it('writes what is pending on flush, and folds kinds past maxKinds into other', () => {
    const { lines, log } = capture();
    const throttled = createThrottledLogger(log, { maxKinds: 2 });
    for (const kind of ['a', 'b', 'c', 'd', 'a', 'c']) throttled.write('warn', kind, {}, kind);
    expect(lines.map((line) => `${line.kind}:${line.count}`)).toEqual(['a:1', 'b:1', 'other:1']);
    throttled.flush();
    expect(lines.map((line) => `${line.kind}:${line.count}`)).toEqual(['a:1', 'b:1', 'other:1', 'a:1', 'other:2']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
