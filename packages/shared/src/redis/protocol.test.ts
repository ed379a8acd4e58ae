import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../contracts/job.ts';
import { decodeReplyMessage, encodeReplyMessage, redisKeys, type ReplyBatch } from './protocol.ts';

const batch = (job: string, text: string): ReplyBatch => ({ job, attempt: 1, events: [{ type: 'text-delta', text } satisfies JobEvent] });

describe('reply messages', () => {
  it('are lists of batches, a lone batch included', () => {
    expect(JSON.parse(encodeReplyMessage([batch('1', 'x')]))).toEqual([batch('1', 'x')]);
    expect(decodeReplyMessage(encodeReplyMessage([batch('1', 'x'), batch('2', 'y')]))).toEqual([batch('1', 'x'), batch('2', 'y')]);
  });

  it('decode leaving out what is not a batch', () => {
    expect(decodeReplyMessage(JSON.stringify([batch('1', 'x'), { job: 2 }, batch('3', 'z')]))).toEqual([batch('1', 'x'), batch('3', 'z')]);
    expect(decodeReplyMessage(JSON.stringify(batch('1', 'x')))).toEqual([]);
    expect(decodeReplyMessage('not json')).toEqual([]);
    expect(decodeReplyMessage('42')).toEqual([]);
  });
});

describe('redisKeys', () => {
  it('puts every key and channel under the prefix', () => {
    const keys = redisKeys('gw');
    expect([keys.cancelChannel, keys.supervisors, keys.replyChannel('r1'), keys.supervisorRecord('s1')]).toEqual(['gw:cancel', 'gw:supervisors', 'gw:reply:r1', 'gw:supervisor:s1']);
  });
});
