import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '@llm-gateway/shared';
import { anthropicModelTable } from './anthropic-models.ts';
import { JSON_TOOL_NAME, toAnthropicRequest } from './to-anthropic-request.ts';

const options = { models: anthropicModelTable(), defaultMaxTokens: 4096 };
const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });
const translate = (request: Partial<ChatRequest>) =>
  toAnthropicRequest({ model: 'claude-sonnet', messages: [user('hi')], ...request }, options);

describe('toAnthropicRequest', () => {
  it('resolves the model, sets a default max_tokens and always streams', () => {
    const { params, jsonToolName } = translate({});
    expect(params).toEqual({
      model: 'claude-sonnet-5-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
    });
    expect(jsonToolName).toBeUndefined();
    expect(translate({ model: 'claude-opus-4-1-20250805', maxTokens: 50 }).params).toMatchObject({
      model: 'claude-opus-4-1-20250805',
      max_tokens: 50,
    });
  });

  it('hoists system and developer instructions, wherever they are, into `system`', () => {
    const { params } = translate({
      messages: [{ role: 'system', content: 'Be brief.' }, user('hi'), { role: 'system', content: 'Use French.' }, user('again')],
    });
    expect(params.system).toBe('Be brief.\n\nUse French.');
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'text', text: 'again' }] },
    ]);
  });

  it('keeps multi-turn history and maps stop, user and sampling parameters', () => {
    const { params } = translate({
      messages: [user('one'), { role: 'assistant', content: 'two' }, user('three')],
      stop: ['END', '###'],
      user: 'tenant-7',
      temperature: 1.5,
      topP: 0.9,
    });
    expect(params.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(params.messages[1]!.content).toEqual([{ type: 'text', text: 'two' }]);
    expect(params.stop_sequences).toEqual(['END', '###']);
    expect(params.metadata).toEqual({ user_id: 'tenant-7' });
    // The 2026-10-21 Messages API has no sampling parameters: they are dropped, not refused.
    expect(params).not.toHaveProperty('temperature');
    expect(params).not.toHaveProperty('top_p');
  });

  it('turns data URLs into base64 images and http URLs into URL images', () => {
    const { params } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
            { type: 'image', url: 'https://example.com/cat.jpg', detail: 'high' },
          ],
        },
      ],
    });
    expect(params.messages[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it.each([
    ['data:image/tiff;base64,AAAA', /Unsupported image type/],
    ['data:image/png,rawbytes', /base64/],
    ['ftp://example.com/cat.png', /http/],
  ])('refuses the image %s with a 400', (url, message) => {
    const attempt = () => translate({ messages: [{ role: 'user', content: [{ type: 'image', url }] }] });
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(message);
  });

  it('translates tools, tool_choice and parallel tool calls', () => {
    const tools = [
      { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now' },
    ];
    const { params } = translate({ tools, toolChoice: 'required', parallelToolCalls: false });
    expect(params.tools).toEqual([
      { name: 'weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(params.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(translate({ tools, toolChoice: 'auto' }).params.tool_choice).toEqual({ type: 'auto' });
    expect(translate({ tools, toolChoice: 'none' }).params.tool_choice).toEqual({ type: 'none' });
    expect(translate({ tools, toolChoice: { name: 'now' } }).params.tool_choice).toEqual({ type: 'tool', name: 'now' });
    expect(translate({ tools }).params).not.toHaveProperty('tool_choice');
    expect(translate({ toolChoice: 'auto' }).params).not.toHaveProperty('tools');
  });

  it('turns assistant tool calls into tool_use and parallel tool results into one user turn', () => {
    const { params } = translate({
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
            { id: 'call_2', name: 'weather', arguments: '' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: '20C' },
        { role: 'tool', toolCallId: 'call_2', content: '25C' },
        user('thanks'),
      ],
    });
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '20C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '25C' },
          { type: 'text', text: 'thanks' },
        ],
      },
    ]);
    const broken = { role: 'assistant' as const, content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '[1]' }] };
    expect(() => translate({ messages: [user('x'), broken] })).toThrow(/JSON object/);
  });

  it('forces a JSON answer through a tool for json_object and json_schema', () => {
    const asObject = translate({ responseFormat: { type: 'json_object' } });
    expect(asObject.jsonToolName).toBe(JSON_TOOL_NAME);
    expect(asObject.params.tools).toEqual([expect.objectContaining({ name: JSON_TOOL_NAME, input_schema: { type: 'object', additionalProperties: true } })]);
    expect(asObject.params.tool_choice).toEqual({ type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true });

    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    const withSchema = translate({ responseFormat: { type: 'json_schema', name: 'math', schema } });
    expect(withSchema.params.tools![0]).toMatchObject({ name: JSON_TOOL_NAME, input_schema: schema });

    const arrayRoot = translate({ responseFormat: { type: 'json_schema', name: 'list', schema: { type: 'array' } } });
    expect((arrayRoot.params.tools![0] as { description: string }).description).toContain('"type":"array"');
    expect(translate({ responseFormat: { type: 'text' } }).params).not.toHaveProperty('tools');
  });

  it("lets the model still call the client's tools in JSON mode, answering through the JSON tool", () => {
    const { params, jsonToolName } = translate({ tools: [{ name: 'lookup' }], responseFormat: { type: 'json_object' } });
    expect(jsonToolName).toBe(JSON_TOOL_NAME);
    expect(params.tools!.map((tool) => (tool as { name: string }).name)).toEqual(['lookup', JSON_TOOL_NAME]);
    expect(params.tool_choice).toEqual({ type: 'any' });
    expect(params.system).toContain(JSON_TOOL_NAME);
    const forced = translate({ tools: [{ name: 'lookup' }], toolChoice: { name: 'lookup' }, responseFormat: { type: 'json_object' } });
    expect(forced.jsonToolName).toBeUndefined();
    expect(forced.params.tool_choice).toEqual({ type: 'tool', name: 'lookup' });
  });
});
