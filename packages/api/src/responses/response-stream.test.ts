import { describe, expect, it } from 'vitest';
import { GatewayError, parseResponsesRequest, type StreamPart } from '@llm-gateway/shared';
import { responsesStreamFormat } from './response-stream.ts';

const identity = { id: 'resp_test', created: 1_700_000_000, model: 'claude-sonnet' };
const { wire } = parseResponsesRequest({ model: 'claude-sonnet', input: 'x' });

interface Event {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

function parse(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => JSON.parse(block.split('\n')[1]!.slice('data: '.length)) as Event);
}

/** The events of a stream of `parts`, ending with `end`. */
function write(parts: Array<Extract<StreamPart, { type: 'text-delta' | 'tool-call-delta' }>>, end: (format: ReturnType<typeof responsesStreamFormat>) => string): Event[] {
  const format = responsesStreamFormat(identity, { wire, store: false });
  let text = format.start();
  for (const part of parts) text += format.delta(part) ?? '';
  return parse(text + end(format));
}

describe('the Responses event stream', () => {
  it('closes the text before a function call and numbers every event', () => {
    const events = write(
      [
        { type: 'text-delta', text: 'Let me look. ' },
        { type: 'tool-call-delta', index: 0, id: 'call_a', name: 'search', argumentsDelta: '{"q":' },
        { type: 'tool-call-delta', index: 0, argumentsDelta: '"x"}' },
        { type: 'tool-call-delta', index: 1, id: 'call_b', name: 'time', argumentsDelta: '' },
      ],
      (format) => format.finish('tool_calls', { promptTokens: 5, completionTokens: 7 }),
    );
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.output_item.added',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    // The message is announced empty: the SDKs add the part on content_part.added.
    expect(events[2]!.item).toMatchObject({ type: 'message', content: [] });
    const response = events.at(-1)!.response as { output: Array<Record<string, unknown>>; usage: Record<string, unknown> };
    expect(response.output).toMatchObject([
      { type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Let me look. ' }] },
      { type: 'function_call', status: 'completed', call_id: 'call_a', name: 'search', arguments: '{"q":"x"}' },
      { type: 'function_call', status: 'completed', call_id: 'call_b', name: 'time', arguments: '' },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
  });

  it('gives an empty answer its empty message, and a cut one response.incomplete', () => {
    const empty = write([], (format) => format.finish('stop', undefined));
    expect(empty.at(-1)!.response).toMatchObject({ status: 'completed', output: [{ type: 'message', content: [{ text: '' }] }] });
    const cut = write([{ type: 'text-delta', text: 'a b' }], (format) => format.finish('length', { promptTokens: 1, completionTokens: 2 }));
    expect(cut.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ status: 'incomplete' }] },
    });
  });

  it('ends a failure with response.failed, the open items incomplete', () => {
    const events = write([{ type: 'text-delta', text: 'partial' }], (format) => format.fail(new GatewayError('upstream_error', 'gone')));
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error', message: 'gone' }, output: [{ status: 'incomplete', content: [{ text: 'partial' }] }] },
    });
  });
});
