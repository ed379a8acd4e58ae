import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseChatRequest } from './normalize-request.ts';
import { formatParam } from './openai-fault-message.ts';

const user = { role: 'user', content: 'Hello!' };

function rejection(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseChatRequest', () => {
  it('normalizes every role, content form and token limit', () => {
    const parsed = parseChatRequest({
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use ' }, { type: 'text', text: 'English.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      stream: true,
      stream_options: { include_usage: true },
      some_future_field: { ignored: true },
    });
    expect(parsed.stream).toBe(true);
    expect(parsed.includeUsage).toBe(true);
    expect(parsed.request).toEqual({
      model: 'claude-sonnet',
      maxTokens: 20,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Use English.' },
        { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', url: 'data:image/png;base64,AA' }] },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'result' },
      ],
    });
  });

  it('ignores include_usage without streaming and accepts nulls where OpenAI does', () => {
    const parsed = parseChatRequest({ model: 'm', messages: [user], stream_options: { include_usage: true }, temperature: null, n: 1 });
    expect(parsed).toMatchObject({ stream: false, includeUsage: false });
    expect(parsed.request.temperature).toBeUndefined();
  });

  it.each([
    [{ model: 'm', messages: [user], n: 2 }, 'n'],
    [{ model: 'm', messages: [user], temperature: 3 }, 'temperature'],
    [{ model: 'm', messages: [] }, 'messages'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    [{ model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content'],
    [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ messages: [user] }, 'model'],
    [{ model: 'm', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
  ])('rejects %j naming %s', (body, param) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
  });

  it('rejects a body that is not an object', () => {
    expect(rejection([1, 2]).status).toBe(400);
    expect(rejection(null).status).toBe(400);
  });
});

describe('formatParam', () => {
  it('writes paths as OpenAI does', () => {
    expect(formatParam(['messages', 2, 'content', 0, 'text'])).toBe('messages[2].content[0].text');
    expect(formatParam([])).toBeNull();
  });
});
