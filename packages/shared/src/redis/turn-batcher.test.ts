import { describe, expect, it } from 'vitest';
import { TurnBatcher } from './turn-batcher.ts';

describe('TurnBatcher', () => {
  it('sends what one event-loop turn adds in one call, and each add resolves with it', async () => {
    const calls: string[][] = [];
    const batcher = new TurnBatcher<string>({ send: async (items) => void calls.push(items) });
    await Promise.all([batcher.add('a'), batcher.add('b')]);
    await batcher.add('c');
    expect(calls).toEqual([['a', 'b'], ['c']]);
  });

  it('sends a full batch at once and fails every item of a batch that failed', async () => {
    let calls = 0;
    const batcher = new TurnBatcher<string>({
      maxItems: 2,
      send: () => {
        calls += 1;
        throw new Error('redis gone');
      },
    });
    const adds = [batcher.add('a'), batcher.add('b')];
    expect(calls).toBe(1);
    for (const add of adds) await expect(add).rejects.toThrow('redis gone');
  });
});
