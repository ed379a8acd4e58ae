import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatStreamFormat, chunkFrame, deltaChunk, roleChunk } from './openai-format.ts';

const parse = (event: string) => {
  expect(event.startsWith('data: ')).toBe(true);
  expect(event.endsWith('\n\n')).toBe(true);
  return JSON.parse(event.slice(6, -2)) as Record<string, unknown>;
};

describe('chat chunks built from a precomputed frame', () => {
  it('equal, key for key and in order, the object OpenAI sends, for any id, model and text', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 0 }), fc.string({ minLength: 1 }), fc.boolean(), (id, model, created, text, includeUsage) => {
        const frame = chunkFrame({ id, created, model }, includeUsage);
        const expected = {
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          system_fingerprint: null,
          choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }],
          ...(includeUsage ? { usage: null } : {}),
        };
        const event = deltaChunk(frame, { type: 'text-delta', text })!;
        expect(event.slice(6, -2)).toBe(JSON.stringify(expected));
      }),
    );
  });

  it('writes the role chunk, the finish chunk and the usage chunk as OpenAI does', () => {
    const identity = { id: 'chatcmpl-1', created: 7, model: 'm' };
    const format = chatStreamFormat(identity, true);
    expect(parse(format.start())).toMatchObject({ choices: [{ delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }], usage: null });
    const [finish, usage, done] = format.finish('stop', { promptTokens: 3, completionTokens: 2, cachedPromptTokens: 1, reasoningTokens: 0 }).split(/(?<=\n\n)/);
    expect(parse(finish!)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: null });
    expect(parse(usage!)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 7,
      model: 'm',
      system_fingerprint: null,
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, prompt_tokens_details: { cached_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(done).toBe('data: [DONE]\n\n');
    expect(parse(roleChunk(chunkFrame(identity, false)))).not.toHaveProperty('usage');
  });

  it('tool-call deltas keep their id, type and name', () => {
    const frame = chunkFrame({ id: 'c', created: 1, model: 'm' }, false);
    const event = deltaChunk(frame, { type: 'tool-call-delta', index: 1, id: 'call_1', name: 'f', argumentsDelta: '{"a"' })!;
    expect(parse(event)).toMatchObject({ choices: [{ delta: { tool_calls: [{ index: 1, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } }] } }] });
  });
});
