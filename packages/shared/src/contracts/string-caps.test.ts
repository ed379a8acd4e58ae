import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseChatRequest } from './normalize-request.ts';
import { formatParam } from './openai-fault-message.ts';
import { quotePrefix, STRING_CAPS } from './string-caps.ts';

const messages = [{ role: 'user', content: 'Hi' }];
const huge = 'x'.repeat(4 * 1024 * 1024);

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    parseChatRequest({ model: 'claude-sonnet', messages, ...body });
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const tool = (name: string) => ({ type: 'function', function: { name } });
const assistantCall = (id: string, name = 'f') => ({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: '{}' } }] });

describe('string caps', () => {
  it('quotes a short prefix of a long value, and a short value whole', () => {
    expect(quotePrefix('short')).toBe('short');
    expect(quotePrefix('abcdef', 3)).toBe('abc…');
    expect(quotePrefix(huge)).toHaveLength(65);
  });

  it('accepts every string at its cap', () => {
    const parsed = parseChatRequest({
      model: 'm'.repeat(STRING_CAPS.model),
      messages: [{ role: 'user', content: 'Hi', name: 'n'.repeat(STRING_CAPS.name) }, assistantCall('i'.repeat(STRING_CAPS.id), 'f'.repeat(64))],
      user: 'u'.repeat(STRING_CAPS.user),
      metadata: Object.fromEntries(Array.from({ length: 16 }, (_, index) => [`${index}`.padEnd(64, 'k'), 'v'.repeat(512)])),
      tools: [tool('t'.repeat(64))],
      stop: ['s'.repeat(STRING_CAPS.stop)],
    });
    expect(parsed.request.model).toHaveLength(STRING_CAPS.model);
  });

  // Each case: the body's fields, the param the 400 must name, and its code if not OpenAI's for a long string.
  const cases: Array<[string, Record<string, unknown>, string, string?]> = [
    ['model', { model: huge }, 'model'],
    ['user', { user: 'u'.repeat(STRING_CAPS.user + 1) }, 'user'],
    ['a metadata value', { metadata: { key: 'v'.repeat(513) } }, 'metadata.key'],
    ['a metadata key', { metadata: { [huge]: 'v' } }, 'metadata', 'property_name_above_max_length'],
    ['the metadata pairs', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) }, 'metadata', 'object_above_max_properties'],
    ['a tool name', { tools: [tool(huge)] }, 'tools[0].function.name'],
    ['a tool choice', { tool_choice: { type: 'function', function: { name: huge } } }, 'tool_choice.function.name'],
    ['a tool call id', { messages: [...messages, assistantCall(huge)] }, 'messages[1].tool_calls[0].id'],
    ['a tool call name', { messages: [...messages, assistantCall('c1', huge)] }, 'messages[1].tool_calls[0].function.name'],
    ['a tool_call_id', { messages: [...messages, { role: 'tool', tool_call_id: huge, content: 'r' }] }, 'messages[1].tool_call_id'],
    ['a message name', { messages: [{ role: 'user', content: 'Hi', name: huge }] }, 'messages[0].name'],
    ['a stop sequence', { stop: [huge] }, 'stop[0]'],
    ['a json_schema name', { response_format: { type: 'json_schema', json_schema: { name: huge } } }, 'response_format.json_schema.name'],
  ];
  it.each(cases)('refuses %s over its cap with a 400 naming the param, quoting none of it', (_what, body, param, code = 'string_above_max_length') => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
    expect(JSON.stringify(error.toBody()).length).toBeLessThan(400);
  });

  it('names a param by a short prefix of a long key', () => {
    expect(formatParam(['metadata', huge])).toBe(`metadata.${'x'.repeat(64)}…`);
  });
});
