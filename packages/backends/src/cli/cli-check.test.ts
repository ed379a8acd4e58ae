import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '@llm-gateway/shared';
import { checkCliRequest } from './cli-check.ts';

const base: ChatRequest = { model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

describe('checkCliRequest', () => {
  it('accepts plain text chat with the usual sampling fields', () => {
    expect(checkCliRequest({ ...base, temperature: 0.7, maxTokens: 4096, stop: ['END'], toolChoice: 'none', responseFormat: { type: 'text' } })).toBeUndefined();
  });

  it('accepts images as base64 data URLs and http(s) URLs, which the CLI relays as image blocks', () => {
    const content = [{ type: 'text' as const, text: 'see' }, { type: 'image' as const, url: 'data:image/png;base64,AA' }, { type: 'image' as const, url: 'https://example.com/a.png' }];
    expect(checkCliRequest({ ...base, messages: [{ role: 'user', content }] })).toBeUndefined();
  });

  it('refuses an image URL the upstream could not take, naming the part', () => {
    const content = [{ type: 'text' as const, text: 'see' }, { type: 'image' as const, url: 'file:///etc/passwd' }];
    expect(checkCliRequest({ ...base, messages: [{ role: 'system', content: 's' }, { role: 'user', content }] })).toMatchObject({
      code: 'invalid_value',
      status: 400,
      param: 'messages[1].content[1].image_url.url',
    });
    const svg = [{ type: 'image' as const, url: 'data:image/svg+xml;base64,AA' }];
    expect(checkCliRequest({ ...base, messages: [{ role: 'user', content: svg }] })?.message).toMatch(/Unsupported image type/);
  });

  it('accepts tools with every tool_choice the CLI can be asked for', () => {
    const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    for (const toolChoice of ['auto', 'none', 'required', { name: 'get_weather' }] as const) expect(checkCliRequest({ ...base, tools, toolChoice })).toBeUndefined();
  });

  it.each([
    [{ tools: [{ name: 'a' }], toolChoice: { name: 'b' } }, 'tool_choice'],
    [{ responseFormat: { type: 'json_object' }, tools: [{ name: 'json_response' }] }, 'tools'],
  ] as Array<[Partial<ChatRequest>, string]>)('refuses %j with a 400 naming %s', (change, param) => {
    const error = checkCliRequest({ ...base, ...change });
    expect(error).toMatchObject({ status: 400, param });
    expect(error?.message).toMatch(/cli backend|not among/);
  });

  it('accepts JSON output formats', () => {
    expect(checkCliRequest({ ...base, responseFormat: { type: 'json_object' } })).toBeUndefined();
    expect(checkCliRequest({ ...base, responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object' } } })).toBeUndefined();
  });
});
