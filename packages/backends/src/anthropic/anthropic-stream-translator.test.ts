import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { parseSseEvents, readAnthropicFixture } from '@llm-gateway/testkit';
import { collectAnswer } from '@llm-gateway/shared';
import { createAnthropicStreamTranslator } from './anthropic-stream-translator.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';

const fixtureEvents = (name: 'tool-stream' | 'text-stream-error') =>
  parseSseEvents(readAnthropicFixture(name))
    .filter((event) => event.event !== 'ping')
    .map((event) => event.data as RawMessageStreamEvent);

function translate(events: RawMessageStreamEvent[], jsonToolName?: string) {
  const translator = createAnthropicStreamTranslator({ jsonToolName });
  return events.flatMap((event) => translator.push(event));
}

const start = (usage: Record<string, number>) =>
  ({ type: 'message_start', message: { usage } }) as unknown as RawMessageStreamEvent;
const toolStart = (index: number, id: string, name: string, input: unknown = {}) =>
  ({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input } }) as RawMessageStreamEvent;
const jsonDelta = (index: number, partial_json: string) =>
  ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }) as RawMessageStreamEvent;
const stop = (index: number) => ({ type: 'content_block_stop', index }) as RawMessageStreamEvent;
const end = (stop_reason: string, usage: Record<string, number> = { output_tokens: 5 }) =>
  [
    { type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage },
    { type: 'message_stop' },
  ] as unknown as RawMessageStreamEvent[];

describe('createAnthropicStreamTranslator', () => {
  it('translates a recorded text + tool_use stream into text and tool-call deltas', async () => {
    const parts = translate(fixtureEvents('tool-stream'));
    expect(parts.slice(0, 3)).toEqual([
      { type: 'text-delta', text: 'Okay' },
      { type: 'text-delta', text: ", let's check the weather for San Francisco, CA:" },
      { type: 'tool-call-delta', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', argumentsDelta: '' },
    ]);
    const answer = await collectAnswer((async function* () { yield* parts; })());
    expect(answer.toolCalls).toEqual([{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' }]);
    expect(answer.finishReason).toBe('tool_calls');
    expect(answer.usage).toEqual({ promptTokens: 472, completionTokens: 89, cachedPromptTokens: 0, reasoningTokens: 0 });
  });

  it('numbers parallel tool calls from 0 and gives argument-less calls "{}"', () => {
    const parts = translate([
      start({ input_tokens: 3 }),
      toolStart(0, 'a', 'first'),
      jsonDelta(0, ''),
      jsonDelta(0, '{"x":'),
      jsonDelta(0, '1}'),
      stop(0),
      toolStart(1, 'b', 'second'),
      stop(1),
      ...end('tool_use'),
    ]);
    expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'a', name: 'first', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"x":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool-call-delta', index: 1, id: 'b', name: 'second', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
    ]);
  });

  it('streams the forced JSON tool as text and finishes with stop', () => {
    const parts = translate(
      [start({ input_tokens: 3 }), toolStart(0, 'j', 'json_response'), jsonDelta(0, '{"a"'), jsonDelta(0, ':1}'), stop(0), ...end('tool_use')],
      'json_response',
    );
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text).join('')).toBe('{"a":1}');
    expect(parts.some((part) => part.type === 'tool-call-delta')).toBe(false);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('counts cached prompt tokens inside prompt tokens, as OpenAI does', () => {
    const parts = translate([
      start({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 1 }),
      ...end('end_turn', { output_tokens: 42 }),
    ]);
    expect(parts[0]).toEqual({ type: 'usage', usage: { promptTokens: 115, completionTokens: 42, cachedPromptTokens: 100, reasoningTokens: 0 } });
  });

  it('drops thinking blocks and reports output only once text or a call appears', () => {
    const translator = createAnthropicStreamTranslator();
    translator.push(start({ input_tokens: 1 }));
    translator.push({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } } as RawMessageStreamEvent);
    expect(translator.push({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } } as RawMessageStreamEvent)).toEqual([]);
    expect(translator.producedOutput).toBe(false);
    translator.push({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } } as RawMessageStreamEvent);
    expect(translator.producedOutput).toBe(false);
    translator.push({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'hi' } } as RawMessageStreamEvent);
    expect(translator.producedOutput).toBe(true);
  });
});

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', false, 'stop'],
    ['stop_sequence', false, 'stop'],
    ['max_tokens', false, 'length'],
    ['model_context_window_exceeded', false, 'length'],
    ['tool_use', true, 'tool_calls'],
    ['tool_use', false, 'stop'],
    ['refusal', false, 'content_filter'],
    ['pause_turn', false, 'stop'],
    [null, false, 'stop'],
  ] as const)('%s (tool calls: %s) → %s', (reason, calls, expected) => {
    expect(mapAnthropicStopReason(reason, calls)).toBe(expected);
  });
});
