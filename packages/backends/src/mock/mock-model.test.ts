import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { collectAnswer } from '@llm-gateway/shared';
import { createMockBackend } from './mock-backend.ts';

const never = () => new AbortController().signal;
const weather = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city', 'unit'] } };
const clock = { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } };
const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });

async function answer(request: ChatRequest) {
  const backend = createMockBackend();
  return collectAnswer(backend.stream(request, { signal: never() }) as AsyncIterable<StreamPart>);
}

describe('the mock as a model', () => {
  it('calls an offered tool once, with arguments its schema accepts, then answers from the result', async () => {
    const first = await answer({ model: 'claude-sonnet', messages: [user('Weather?')], tools: [weather, clock] });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toHaveLength(1);
    const call = first.toolCalls[0]!;
    expect(call.name).toBe('get_weather');
    expect(new Ajv().validate(weather.parameters, JSON.parse(call.arguments))).toBe(true);
    const second = await answer({
      model: 'claude-sonnet',
      tools: [weather, clock],
      messages: [user('Weather?'), { role: 'assistant', content: '', toolCalls: [call] }, { role: 'tool', toolCallId: call.id, content: 'sunny, 21 C' }],
    });
    expect(second).toMatchObject({ finishReason: 'stop', toolCalls: [], text: 'The tools answered: sunny, 21 C' });
  });

  it('honours tool_choice: the named tool, or none at all', async () => {
    const named = await answer({ model: 'claude-sonnet', messages: [user('Time?')], tools: [weather, clock], toolChoice: { name: 'get_time' } });
    expect(named.toolCalls[0]).toMatchObject({ name: 'get_time', arguments: '{"zone":"mock"}' });
    const none = await answer({ model: 'claude-sonnet', messages: [user('Time?')], tools: [weather, clock], toolChoice: 'none' });
    expect(none).toMatchObject({ finishReason: 'stop', toolCalls: [] });
  });

  it('answers JSON that matches the schema, or a JSON object', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['name', 'tags'] };
    const typed = await answer({ model: 'claude-sonnet', messages: [user('Describe')], responseFormat: { type: 'json_schema', name: 'thing', schema } });
    expect(new Ajv().validate(schema, JSON.parse(typed.text))).toBe(true);
    const object = await answer({ model: 'claude-sonnet', messages: [user('Describe')], responseFormat: { type: 'json_object' } });
    expect(JSON.parse(object.text)).toEqual({ answer: 'This is a mock response to: Describe' });
  });

  it('stops at a stop sequence', async () => {
    const stopped = await answer({ model: 'claude-sonnet', messages: [user('Hello')], stop: ['response'] });
    expect(stopped).toMatchObject({ text: 'This is a mock ', finishReason: 'stop' });
  });
});
