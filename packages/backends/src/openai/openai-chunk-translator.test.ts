import { describe, expect, it } from 'vitest';
import { completionToChunks, createOpenAIChunkTranslator, mapOpenAIFinishReason } from './openai-chunk-translator.ts';
import { sseData } from './sse-data.ts';

const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason }] });

describe('createOpenAIChunkTranslator', () => {
  it('turns content and tool-call deltas into parts, names and ids only on the first delta', () => {
    const translator = createOpenAIChunkTranslator();
    const parts = [
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hi' }),
      chunk({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'c0', function: { arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'c1', function: { name: 'g', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
      { choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 6 } } },
    ].flatMap((value) => translator.push(value));
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hi' },
      { type: 'tool-call-delta', index: 0, id: 'c0', name: 'f', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a"' },
      { type: 'tool-call-delta', index: 1, id: 'c1', name: 'g', argumentsDelta: '{}' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
    ]);
    expect(translator.end()).toEqual([
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 4, cachedPromptTokens: 6 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('has no ending until the upstream gave a finish reason', () => {
    const translator = createOpenAIChunkTranslator();
    translator.push(chunk({ content: 'partial' }));
    expect(translator.producedOutput).toBe(true);
    expect(translator.end()).toBeUndefined();
  });

  it('reads a non-streamed completion as one chunk', () => {
    const translator = createOpenAIChunkTranslator();
    const completion = {
      choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    };
    const parts = completionToChunks(completion).flatMap((value) => translator.push(value));
    expect(parts).toEqual([{ type: 'tool-call-delta', index: 0, id: 'c', name: 'f', argumentsDelta: '{}' }]);
    expect(translator.end()!.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it.each([
    ['stop', false, 'stop'],
    ['length', false, 'length'],
    ['content_filter', false, 'content_filter'],
    ['tool_calls', true, 'tool_calls'],
    ['function_call', true, 'tool_calls'],
    ['stop', true, 'tool_calls'],
    ['eos', false, 'stop'],
  ] as const)('maps finish reason %s (tool calls: %s) to %s', (reason, calls, expected) => {
    expect(mapOpenAIFinishReason(reason, calls)).toBe(expected);
  });
});

describe('sseData', () => {
  it('yields data payloads whatever the chunk boundaries, skipping comments', async () => {
    const text = ': keep-alive\n\ndata: {"a":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const pieces = text.match(/.{1,5}/gs)!.map((piece) => Buffer.from(piece));
    const seen: string[] = [];
    for await (const data of sseData((async function* () { yield* pieces; })())) seen.push(data);
    expect(seen).toEqual(['{"a":1}', 'line1\nline2', '[DONE]']);
  });
});
