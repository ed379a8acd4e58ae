import { describe, expect, it } from 'vitest';
import { toolCallingReply } from './tool-calling-reply.ts';

const weather = { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } };

describe('toolCallingReply', () => {
  it('calls the first offered tool with arguments its schema requires', () => {
    expect(toolCallingReply({ tools: [weather], messages: [{ role: 'user', content: 'weather?' }] })).toEqual({
      kind: 'tool_use',
      calls: [{ name: 'get_weather', input: { city: 'Paris' } }],
    });
  });

  it('answers from native tool results, and from results rendered as <tool_result> tags', () => {
    const native = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'sunny' }] }] };
    expect(toolCallingReply({ tools: [weather], messages: [native] })).toEqual({ kind: 'text', text: 'From the tools: sunny' });
    const rendered = { role: 'user', content: [{ type: 'text', text: '<conversation>\n<tool_result id="t1">\nrain\n</tool_result>\n</conversation>\n\nso?' }] };
    expect(toolCallingReply({ tools: [weather], messages: [rendered] })).toEqual({ kind: 'text', text: 'From the tools: rain' });
  });

  it('echoes when offered no tools', () => {
    expect(toolCallingReply({ messages: [{ role: 'user', content: 'hi' }] })).toEqual({ kind: 'text', text: 'echo: hi' });
  });
});
