import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { createAnthropicStreamTranslator } from './anthropic-stream-translator.ts';
import { messageToEvents } from './message-events.ts';

const message = (content: unknown[], stop_reason: string, usage: Record<string, number>) =>
  ({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-5-5', content, stop_reason, stop_sequence: null, usage }) as unknown as Message;

function translate(whole: Message, jsonToolName?: string) {
  const translator = createAnthropicStreamTranslator({ jsonToolName });
  return messageToEvents(whole).flatMap((event) => translator.push(event));
}

describe('messageToEvents (non-streamed answers through the stream translator)', () => {
  it('yields the text, tool calls with their whole arguments, usage and finish', () => {
    const parts = translate(
      message(
        [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'now', input: {} },
        ],
        'tool_use',
        { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 4 },
      ),
    );
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Checking.' },
      { type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":"Paris"}' },
      { type: 'tool-call-delta', index: 1, id: 'toolu_2', name: 'now', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
      { type: 'usage', usage: { promptTokens: 14, completionTokens: 7, cachedPromptTokens: 4, reasoningTokens: 0 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('turns the JSON tool of response_format back into text, and maps max_tokens to length', () => {
    const parts = translate(
      message([{ type: 'tool_use', id: 'toolu_1', name: 'json_answer', input: { ok: true } }], 'max_tokens', { input_tokens: 3, output_tokens: 2 }),
      'json_answer',
    );
    expect(parts).toEqual([
      { type: 'text-delta', text: '{"ok":true}' },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 2, reasoningTokens: 0 } },
      { type: 'finish', finishReason: 'length' },
    ]);
  });
});
