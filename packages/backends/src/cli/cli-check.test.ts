import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@llm-gateway/shared';
import { checkCliRequest } from './cli-check.ts';

const base: ChatRequest = { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

describe('checkCliRequest', () => {
  it('accepts plain text chat with the usual sampling fields', () => {
    expect(checkCliRequest({ ...base, temperature: 0.7, maxTokens: 4096, stop: ['END'], toolChoice: 'none', responseFormat: { type: 'text' } })).toBeUndefined();
  });

  it.each([
    [{ messages: [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'see' }, { type: 'image', url: 'data:image/png;base64,AA' }] }] }, 'messages[1].content[1]'],
    [{ tools: [{ name: 'get_weather' }] }, 'tools'],
    [{ toolChoice: 'required' }, 'tool_choice'],
    [{ responseFormat: { type: 'json_object' } }, 'response_format'],
    [{ responseFormat: { type: 'json_schema', name: 'x' } }, 'response_format'],
  ] as Array<[Partial<ChatRequest>, string]>)('refuses %j with a 400 naming %s', (change, param) => {
    const error = checkCliRequest({ ...base, ...change });
    expect(error).toMatchObject({ code: 'unsupported_value', status: 400, param });
    expect(error?.message).toMatch(/cli backend/);
  });
});
