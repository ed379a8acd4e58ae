import { describe, expect, it } from 'vitest';
import { toOpenAIRequest } from './to-openai-request.ts';

const options = { maxTokensField: 'max_tokens' as const, includeUsage: true, models: { 'claude-sonnet': 'llama3.1:8b' } };

describe('toOpenAIRequest', () => {
  it('sends a minimal streaming body, mapping listed model names', () => {
    expect(toOpenAIRequest({ model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, options)).toEqual({
      model: 'llama3.1:8b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const plain = toOpenAIRequest({ model: 'qwen', messages: [] }, { ...options, includeUsage: false });
    expect(plain).toEqual({ model: 'qwen', messages: [], stream: true });
  });

  it('round-trips every field the gateway accepts', () => {
    const body = toOpenAIRequest(
      {
        model: 'gpt-x',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', url: 'data:image/png;base64,AA==', detail: 'low' }] },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }] },
          { role: 'tool', toolCallId: 'c1', content: 'ok' },
          { role: 'assistant', content: 'done' },
        ],
        maxTokens: 100,
        temperature: 1.2,
        topP: 0.5,
        stop: ['END'],
        user: 'u1',
        tools: [{ name: 'f', description: 'does f', parameters: { type: 'object' } }],
        toolChoice: { name: 'f' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' } },
      },
      { ...options, maxTokensField: 'max_completion_tokens' },
    );
    expect(body).toEqual({
      model: 'gpt-x',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==', detail: 'low' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        { role: 'assistant', content: 'done' },
      ],
      max_completion_tokens: 100,
      temperature: 1.2,
      top_p: 0.5,
      stop: ['END'],
      user: 'u1',
      tools: [{ type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object' } } }],
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' } } },
    });
  });
});
