import { describe, expect, it } from 'vitest';
import { EnqueueBatcher, type EnqueueEntry } from './enqueue-batcher.ts';

describe('EnqueueBatcher', () => {
  it('adds the jobs of one event-loop turn in one call, and each add resolves with it', async () => {
    const calls: Array<Array<EnqueueEntry<string>>> = [];
    const batcher = new EnqueueBatcher<string>({ addBulk: async (entries) => void calls.push(entries) });
    await Promise.all([batcher.add('reply', 'a', 'job-1'), batcher.add('reply', 'b', 'job-2')]);
    await batcher.add('reply', 'c', 'job-3');
    expect(calls).toEqual([
      [
        { name: 'reply', data: 'a', opts: { jobId: 'job-1' } },
        { name: 'reply', data: 'b', opts: { jobId: 'job-2' } },
      ],
      [{ name: 'reply', data: 'c', opts: { jobId: 'job-3' } }],
    ]);
  });

  it('sends a full batch at once and fails every job of a batch that failed', async () => {
    let calls = 0;
    const batcher = new EnqueueBatcher<string>({
      maxBatch: 2,
      addBulk: () => {
        calls += 1;
        throw new Error('redis gone');
      },
    });
    const adds = [batcher.add('reply', 'a', 'job-1'), batcher.add('reply', 'b', 'job-2')];
    expect(calls).toBe(1);
    for (const add of adds) await expect(add).rejects.toThrow('redis gone');
  });
});
