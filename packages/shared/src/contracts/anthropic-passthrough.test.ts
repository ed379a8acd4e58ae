import { describe, expect, it } from 'vitest';
import { anthropicPassthrough } from './anthropic-passthrough.ts';

describe('anthropicPassthrough', () => {
  it('keeps system, messages, tools and tool_choice as sent, without earlier thinking', () => {
    const system = [{ type: 'text', text: 'cached', cache_control: { type: 'ephemeral' } }];
    const tools = [{ name: 't', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }];
    const user = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'x', is_error: true }] };
    expect(
      anthropicPassthrough({
        model: 'claude-sonnet',
        max_tokens: 5,
        system,
        tools,
        tool_choice: { type: 'any' },
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'x' }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'tool_use', id: 'a', name: 't', input: {} }] },
          user,
        ],
      }),
    ).toEqual({
      system,
      tools,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 't', input: {} }] }, user],
    });
  });
});
