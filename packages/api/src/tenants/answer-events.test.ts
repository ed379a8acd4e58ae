import { describe, expect, it } from 'vitest';
import { collectAnswer, type JobEvent } from '@llm-gateway/shared';
import { observeAnswer, replayAnswer, type ObservedEnd } from './answer-events.ts';
import type { CachedAnswer } from './response-cache.ts';

async function* from(events: JobEvent[]): AsyncGenerator<JobEvent> {
  yield* events;
}

const usage = { promptTokens: 5, completionTokens: 4 };

describe('answer events', () => {
  it('replays a cached answer as the events of a fresh one', async () => {
    const cached: CachedAnswer = {
      text: 'Hello there',
      toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      usage,
      finishReason: 'tool_calls',
    };
    expect(await collectAnswer(replayAnswer(cached))).toEqual(cached);
  });

  it('collects a finished answer and its usage, passing every event through', async () => {
    const events: JobEvent[] = [
      { type: 'job-started', sessionId: 's1', supervisor: 'sup' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'tool-call-delta', index: 0, id: 'c', name: 'f', argumentsDelta: '{"a"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop' },
    ];
    const ends: ObservedEnd[] = [];
    const seen: JobEvent[] = [];
    for await (const event of observeAnswer(from(events), { collect: true, onEnd: (end) => ends.push(end) })) seen.push(event);
    expect(seen).toEqual(events);
    expect(ends).toEqual([{ usage, answer: { text: 'Hello', toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":1}' }], usage, finishReason: 'stop' } }]);
  });

  it('has no answer for a failed or abandoned stream, but still reports once', async () => {
    const ends: ObservedEnd[] = [];
    const failed = observeAnswer(from([{ type: 'text-delta', text: 'x' }, { type: 'error', error: { code: 'upstream_error', message: 'boom' } }]), {
      collect: true,
      onEnd: (end) => ends.push(end),
    });
    for await (const _ of failed) void _;
    const abandoned = observeAnswer(from([{ type: 'usage', usage }, { type: 'text-delta', text: 'x' }, { type: 'finish', finishReason: 'stop' }]), {
      collect: true,
      onEnd: (end) => ends.push(end),
    });
    await abandoned.next();
    await abandoned.return(undefined);
    expect(ends).toEqual([{}, { usage }]);
  });
});
