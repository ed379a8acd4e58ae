import { describe, expect, it } from 'vitest';
import { toAnthropicError } from '../errors/anthropic-error.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseCountTokensRequest, parseMessagesRequest } from './normalize-anthropic-request.ts';

const base = { model: 'claude-sonnet', max_tokens: 100 };

function rejection(body: unknown): GatewayError {
  try {
    parseMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseMessagesRequest', () => {
  it('normalizes system blocks, content blocks, images, tool_use and tool_result', () => {
    const { request, stream } = parseMessagesRequest({
      ...base,
      stream: true,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be kind.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        {
          role: 'assistant',
          content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'text', text: 'Thanks' }] },
      ],
      tools: [{ name: 'weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['###'],
      metadata: { user_id: 'u-1' },
      temperature: 0.5,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      some_beta_field: { anything: true },
    });
    expect(stream).toBe(true);
    expect(request).toEqual({
      model: 'claude-sonnet',
      maxTokens: 100,
      temperature: 0.5,
      stop: ['###'],
      user: 'u-1',
      messages: [
        { role: 'system', content: 'Be brief.\n\nBe kind.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
        { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', toolCallId: 'toolu_1', content: 'sunny' },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
      tools: [{ name: 'weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: 'required',
      parallelToolCalls: false,
    });
  });

  it('maps every tool_choice and reads a system entry inside messages (as Claude Code sends)', () => {
    const messages = [{ role: 'system', content: 'extra' }, { role: 'user', content: 'hi' }];
    expect(parseMessagesRequest({ ...base, messages, tool_choice: { type: 'tool', name: 'x' } }).request).toMatchObject({
      toolChoice: { name: 'x' },
      messages: [{ role: 'system', content: 'extra' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
    expect(parseMessagesRequest({ ...base, messages, tool_choice: { type: 'none' } }).request.toolChoice).toBe('none');
    expect(parseMessagesRequest({ ...base, messages, tool_choice: { type: 'auto' } }).request.toolChoice).toBe('auto');
  });

  // Anthropic's own wording: `<path>: <what is wrong>`, the path dotted.
  it.each([
    [{ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens', 'max_tokens: Field required'],
    [{ ...base, max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens', 'max_tokens: Input should be greater than or equal to 1'],
    [{ ...base, messages: [] }, 'messages', 'messages: List should have at least 1 item after validation, not 0'],
    [{ ...base, messages: 'hi' }, 'messages', 'messages: Input should be a valid list'],
    [{ ...base, messages: [{ role: 'tool', content: 'hi' }] }, 'messages[0].role', "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      'messages[0].content[0].type',
      "messages.0.content.0.type: Input should be 'text', 'image' or 'tool_result'",
    ],
    [{ ...base, messages: [{ role: 'user', content: 7 }] }, 'messages[0].content', 'messages.0.content: Input should be a valid string or a valid list'],
    [{ ...base, messages: [{ role: 'user', content: 'hi' }], temperature: 1.5 }, 'temperature', 'temperature: Input should be less than or equal to 1'],
    [{ ...base, messages: [{ role: 'user', content: 'hi' }], tool_choice: { type: 'sometimes' } }, 'tool_choice.type', "tool_choice.type: Input should be 'auto', 'any', 'none' or 'tool'"],
  ])('refuses %j naming %s: %s', (body, param, message) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(toAnthropicError(error)).toEqual({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message } } });
  });

  it('refuses images inside a tool_result rather than dropping them', () => {
    const error = rejection({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] }],
    });
    expect(error.code).toBe('unsupported_value');
    expect(error.param).toBe('messages[0].content[0].content');
  });
});

describe('parseCountTokensRequest', () => {
  it('needs no max_tokens', () => {
    expect(parseCountTokensRequest({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hi' }] }).messages).toHaveLength(1);
  });
});
