import { describe, expect, it } from 'vitest';
import type { JobEvent } from '@llm-gateway/shared';
import { decodeReplyMessage, redisKeys, type ReplyBatch } from '@llm-gateway/shared/redis';
import { ReplyPublisher } from './reply-publisher.ts';

const batch = (job: string, text: string): ReplyBatch => ({ job, attempt: 1, events: [{ type: 'text-delta', text } satisfies JobEvent] });

const keys = redisKeys('test');
const a = keys.replyChannel('a');
const b = keys.replyChannel('b');

describe('ReplyPublisher', () => {
  it('publishes the batches of one turn for the same channel in one message, per channel', async () => {
    const published: Array<[string, string]> = [];
    const publisher = new ReplyPublisher({ publish: async (channel, message) => void published.push([channel, message]) });
    await Promise.all([publisher.send(a, batch('1', 'x')), publisher.send(b, batch('2', 'y')), publisher.send(a, batch('3', 'z'))]);
    expect(published.map(([channel]) => channel)).toEqual([a, b]);
    expect(decodeReplyMessage(published[0]![1])).toEqual([batch('1', 'x'), batch('3', 'z')]);
    expect(decodeReplyMessage(published[1]![1])).toEqual([batch('2', 'y')]);
  });

  it('sends a full message at once and rejects every sender of a message that failed', async () => {
    const published: string[] = [];
    const publisher = new ReplyPublisher({
      maxBatches: 2,
      publish: async (_channel, message) => {
        published.push(message);
        if (published.length === 2) throw new Error('redis gone');
      },
    });
    const first = [publisher.send(a, batch('1', 'x')), publisher.send(a, batch('2', 'y'))];
    expect(published).toHaveLength(1);
    await Promise.all(first);
    const failed = publisher.send(a, batch('3', 'z'));
    await expect(failed).rejects.toThrow('redis gone');
  });
});
