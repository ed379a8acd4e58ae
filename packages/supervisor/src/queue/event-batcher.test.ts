import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent } from '@llm-gateway/shared';
import { EventBatcher } from './event-batcher.ts';
import { FlushClock } from './flush-clock.ts';

const delta = (text: string): JobEvent => ({ type: 'text-delta', text });
const finish: JobEvent = { type: 'finish', finishReason: 'stop' };

describe('EventBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first output after its burst, then batches deltas per flush interval', async () => {
    const batches: JobEvent[][] = [];
    const batcher = new EventBatcher({ send: async (events) => void batches.push(events), flushIntervalMs: 5 });
    batcher.push({ type: 'job-started', sessionId: 's', supervisor: 'x' });
    batcher.push(delta('a'));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[{ type: 'job-started', sessionId: 's', supervisor: 'x' }, delta('a')]]);
    for (const word of ['b', 'c', 'd']) batcher.push(delta(word));
    await vi.advanceTimersByTimeAsync(4);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches[1]).toEqual([delta('b'), delta('c'), delta('d')]);
  });

  it('flushes the jobs of one clock together at its tick, each at most one interval after its first waiting event', async () => {
    const sent: Array<{ job: string; at: number; events: JobEvent[] }> = [];
    const clock = new FlushClock(4);
    const batcherOf = (job: string) => new EventBatcher({ clock, send: async (events) => void sent.push({ job, at: Date.now(), events }) });
    const [first, second, third] = [batcherOf('a'), batcherOf('b'), batcherOf('c')];
    for (const batcher of [first, second, third]) {
      batcher.push(delta('start'));
    }
    await vi.advanceTimersByTimeAsync(0);
    sent.length = 0;
    const start = Date.now();
    first.push(delta('a1'));
    await vi.advanceTimersByTimeAsync(1);
    second.push(delta('b1'));
    await vi.advanceTimersByTimeAsync(2);
    third.push(delta('c1'));
    first.push(delta('a2'));
    await vi.advanceTimersByTimeAsync(1);
    // One tick, 4 ms after a1 waited: every job's pending events at once, in push order per job.
    expect(sent.map(({ job, at, events }) => ({ job, after: at - start, events }))).toEqual([
      { job: 'a', after: 4, events: [delta('a1'), delta('a2')] },
      { job: 'b', after: 4, events: [delta('b1')] },
      { job: 'c', after: 4, events: [delta('c1')] },
    ]);
    // A terminal event goes at once and leaves the clock: the next tick has nothing of that job.
    second.push(delta('b2'));
    second.push(finish);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)).toMatchObject({ job: 'b', events: [delta('b2'), finish] });
    await vi.advanceTimersByTimeAsync(10);
    expect(sent).toHaveLength(4);
  });

  it('holds a non-streamed job\'s events until its terminal event, or until a batch is full', async () => {
    const batches: JobEvent[][] = [];
    const batcher = new EventBatcher({ send: async (events) => void batches.push(events), flushIntervalMs: 5, maxEvents: 3, streaming: false });
    batcher.push({ type: 'job-started', sessionId: 's', supervisor: 'x' });
    batcher.push(delta('a'));
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([]);
    batcher.push(delta('b'));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    batcher.push(delta('c'));
    batcher.push(finish);
    await batcher.close();
    expect(batches).toEqual([[{ type: 'job-started', sessionId: 's', supervisor: 'x' }, delta('a'), delta('b')], [delta('c'), finish]]);
  });

  it('sends the terminal event at once with what is pending, in order', async () => {
    const batches: JobEvent[][] = [];
    const batcher = new EventBatcher({ send: async (events) => void batches.push(events), flushIntervalMs: 1_000 });
    batcher.push(delta('a'));
    batcher.push(finish);
    await batcher.close();
    expect(batches).toEqual([[delta('a'), finish]]);
  });

  it('keeps batches in order even when a send is slow, and caps batch size', async () => {
    const received: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const batcher = new EventBatcher({
      maxEvents: 2,
      send: async (events) => {
        calls += 1;
        if (calls === 1) await gate;
        for (const event of events) if (event.type === 'text-delta') received.push(event.text);
      },
    });
    for (const word of ['1', '2', '3', '4', '5']) batcher.push(delta(word));
    batcher.push(finish);
    release();
    await batcher.close();
    expect(received).toEqual(['1', '2', '3', '4', '5']);
    expect(batcher.batches).toBe(3);
  });

  it('records the first send failure and stops sending', async () => {
    let calls = 0;
    const batcher = new EventBatcher({
      maxEvents: 1,
      send: async () => {
        calls += 1;
        throw new Error('redis gone');
      },
    });
    batcher.push(delta('a'));
    batcher.push(delta('b'));
    await batcher.close();
    expect(calls).toBe(1);
    expect(batcher.failure).toBeInstanceOf(Error);
  });
});
