import { describe, expect, it } from 'vitest';
import { GatewayError } from '@llm-gateway/shared';
import { sseEvents } from '../../test/helpers/sse.ts';
import { anthropicStreamFormat, messageBody, toAnthropicUsage } from './anthropic-format.ts';

const identity = { id: 'msg_1', created: 0, model: 'claude-sonnet' };

describe('anthropicStreamFormat', () => {
  it('opens a block per text run and per tool call, closing each before the next', () => {
    const format = anthropicStreamFormat(identity);
    const text =
      format.start() +
      (format.delta({ type: 'text-delta', text: 'Let me ' }) ?? '') +
      (format.delta({ type: 'text-delta', text: 'look.' }) ?? '') +
      (format.delta({ type: 'tool-call-delta', index: 0, id: 'call_a', name: 'a', argumentsDelta: '{"x":' }) ?? '') +
      (format.delta({ type: 'tool-call-delta', index: 0, argumentsDelta: '1}' }) ?? '') +
      (format.delta({ type: 'tool-call-delta', index: 1, id: 'call_b', name: 'b', argumentsDelta: '' }) ?? '') +
      format.finish('tool_calls', { promptTokens: 30, completionTokens: 7, cachedPromptTokens: 10 });
    const events = sseEvents(text);
    expect(events.map((event) => [event.event, event.data.index])).toEqual([
      ['message_start', undefined],
      ['ping', undefined],
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
      ['content_block_start', 2],
      ['content_block_stop', 2],
      ['message_delta', undefined],
      ['message_stop', undefined],
    ]);
    expect(events[6]!.data.content_block).toEqual({ type: 'tool_use', id: 'call_a', name: 'a', input: {} });
    expect(events[8]!.data.delta).toEqual({ type: 'input_json_delta', partial_json: '1}' });
    expect(events.at(-2)!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 7, cache_read_input_tokens: 10 },
    });
  });

  it('gives an empty answer one empty text block, and a failure one error event', () => {
    const format = anthropicStreamFormat(identity);
    const names = sseEvents(format.start() + format.finish('length', undefined)).map((event) => event.event);
    expect(names).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(sseEvents(format.fail(new GatewayError('overloaded', 'busy')))).toEqual([
      { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } },
    ]);
  });
});

describe('messageBody', () => {
  it('renders text and tool calls as blocks, wrapping arguments that are not an object', () => {
    const body = messageBody(identity, {
      text: '',
      toolCalls: [
        { id: 'call_a', name: 'a', arguments: '{"x":1}' },
        { id: 'call_b', name: 'b', arguments: 'not json' },
      ],
      usage: { promptTokens: 5, completionTokens: 2 },
      finishReason: 'tool_calls',
    });
    expect(body).toMatchObject({
      content: [
        { type: 'tool_use', id: 'call_a', name: 'a', input: { x: 1 } },
        { type: 'tool_use', id: 'call_b', name: 'b', input: { arguments: 'not json' } },
      ],
      stop_reason: 'tool_use',
      usage: toAnthropicUsage({ promptTokens: 5, completionTokens: 2 }),
    });
  });
});
