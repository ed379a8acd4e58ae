import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseResponsesRequest } from './normalize-responses.ts';

function rejection(body: unknown): GatewayError {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseResponsesRequest', () => {
  it('turns a string input and instructions into a system and a user message', () => {
    const parsed = parseResponsesRequest({ model: 'claude-sonnet', instructions: 'Be brief.', input: 'Hello!', max_output_tokens: 50, stream: true });
    expect(parsed.stream).toBe(true);
    expect(parsed.request).toEqual({
      model: 'claude-sonnet',
      maxTokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello!' }] },
      ],
    });
  });

  it('normalizes every item kind, merging an assistant turn with its function calls', () => {
    const parsed = parseResponsesRequest({
      model: 'claude-sonnet',
      input: [
        { role: 'developer', content: 'Answer in English.' },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Use tools.' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather here?' },
            { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' },
          ],
        },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
        { type: 'function_call', call_id: 'call_2', name: 'time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'noon' }] },
        { type: 'function_call', call_id: 'call_3', name: 'time', arguments: '{}' },
      ],
      tools: [{ type: 'function', name: 'weather', description: 'Weather', parameters: { type: 'object' }, strict: true }, { type: 'function', name: 'time' }],
      tool_choice: { type: 'function', name: 'weather' },
      temperature: 0.5,
      top_p: 0.9,
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      store: false,
      truncation: 'disabled',
      include: [],
    });
    expect(parsed.request).toEqual({
      model: 'claude-sonnet',
      temperature: 0.5,
      topP: 0.9,
      parallelToolCalls: false,
      toolChoice: { name: 'weather' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
      tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' } }, { name: 'time' }],
      messages: [
        { role: 'system', content: 'Answer in English.' },
        { role: 'system', content: 'Use tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', url: 'data:image/png;base64,AA', detail: 'low' },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          toolCalls: [
            { id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
            { id: 'call_2', name: 'time', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
        { role: 'tool', toolCallId: 'call_2', content: 'noon' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_3', name: 'time', arguments: '{}' }] },
      ],
    });
  });

  it('maps json_object and string tool choices', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: 'x', tool_choice: 'required', text: { format: { type: 'json_object' } } });
    expect(parsed.request.toolChoice).toBe('required');
    expect(parsed.request.responseFormat).toEqual({ type: 'json_object' });
  });

  it('refuses conversations, hosted tools and unsupported items with a 400 naming the param', () => {
    const base = { model: 'claude-sonnet', input: 'x' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, conversation: 'conv_1' }, 'conversation'],
      [{ ...base, background: true }, 'background'],
      [{ ...base, tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] }, 'tools[1].type'],
      [{ ...base, tool_choice: { type: 'file_search' } }, 'tool_choice.type'],
      [{ ...base, input: [{ type: 'reasoning', summary: [] }] }, 'input[0].type'],
      [{ ...base, input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }, 'input[0].content[0].type'],
      [{ ...base, input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] }, 'input[0].content[0].file_id'],
    ];
    for (const [body, param] of cases) {
      const error = rejection(body);
      expect(error.toBody().error).toMatchObject({ code: 'unsupported_value', param, type: 'invalid_request_error' });
      expect(error.status).toBe(400);
    }
  });

  it('names the first bad param of a malformed body', () => {
    expect(rejection([]).status).toBe(400);
    expect(rejection({ input: 'x' }).param).toBe('model');
    expect(rejection({ model: 'm' }).param).toBe('input');
    expect(rejection({ model: 'm', input: [] }).param).toBe('input');
    expect(rejection({ model: 'm', input: 'x', max_output_tokens: 0 }).param).toBe('max_output_tokens');
    expect(rejection({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'bad name' }] }).param).toBe('tools[0].name');
    expect(rejection({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }).param).toMatch(/^input\[0\]/);
    expect(rejection({ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }).param).toBe('text.format.schema');
    expect(rejection({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image' }] }] }).param).toBe('input[0].content[0].image_url');
    expect(rejection({ model: 'm', input: [{ role: 'user', content: 5 }] }).param).toBe('input[0].content');
    expect(rejection({ model: 'x'.repeat(300), input: 'x' }).message.length).toBeLessThan(300);
  });
});
