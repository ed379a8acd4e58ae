import OpenAI, { APIError } from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
  strict: true,
};

/**
 * The official `openai` client's Responses API over a real socket, on the mock and the api
 * backend (the Anthropic SDK → a fake Anthropic API), embedded and in Redis mode.
 */
describe.each([
  ['embedded', 'mock', inProcessGateway],
  ['embedded', 'api', inProcessGateway],
  ['redis', 'mock', redisGateway],
  ['redis', 'api', redisGateway],
] as const)('openai responses (%s, %s backend)', (_mode, backend, factory) => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let client: OpenAI;
  /** What the backend answers to `text`. */
  const answerTo = (text: string) => (backend === 'mock' ? `This is a mock response to: ${text}` : `echo: ${text}`);

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway(
      { LLM_BACKEND: backend, LLM_REQUEST_TIMEOUT: '5', ANTHROPIC_API_KEY: 'sk-ant-responses', ANTHROPIC_BASE_URL: fake.url },
      { factory },
    );
    client = served.client;
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('creates a response', async () => {
    const response = await client.responses.create({ model: 'claude-sonnet', instructions: 'Be brief.', input: 'Hello!', max_output_tokens: 200 });
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe(answerTo('Hello!'));
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    if (backend === 'api') expect(fake.requests[0]!.body).toMatchObject({ system: 'Be brief.', max_tokens: 200 });
  });

  it('streams with the SDK helper and as raw events', async () => {
    const stream = client.responses.stream({ model: 'claude-haiku', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Stream please' }] }] });
    let deltas = '';
    stream.on('response.output_text.delta', (event) => {
      deltas += event.delta;
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(answerTo('Stream please'));
    expect(deltas).toBe(final.output_text);

    const raw = await client.responses.create({ model: 'claude-haiku', input: 'raw events', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of raw) events.push(event);
    expect(events[0]!.type).toBe('response.created');
    expect(events.at(-1)!.type).toBe('response.completed');
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  });

  it('round-trips a function call: function_call out, function_call_output back in', async () => {
    const question = backend === 'mock' ? 'Weather in Paris? [mock:tool=get_weather]' : 'Weather in Paris?';
    if (backend === 'api') {
      fake.enqueue({ kind: 'tool_use', calls: [{ id: 'toolu_w', name: 'get_weather', input: { location: 'Paris' } }] });
      fake.enqueue({ kind: 'text', text: 'Sunny in Paris.' });
    }
    const input: ResponseInputItem[] = [{ role: 'user', content: question }];
    const first = await client.responses.create({ model: 'claude-sonnet', input, tools: [weatherTool] });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function call');
    expect(call).toMatchObject({ name: 'get_weather', id: expect.stringMatching(/^fc_/) });
    expect(JSON.parse(call.arguments)).toEqual({ location: 'Paris' });

    input.push(call, { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' });
    const second = await client.responses.create({ model: 'claude-sonnet', input, tools: [weatherTool] });
    // The mock answers from the tool's output, as a model would.
    expect(second.output_text).toBe(backend === 'mock' ? 'The tools answered: {"sky":"sunny"}' : 'Sunny in Paris.');
    if (backend === 'api') {
      expect(fake.requests[1]!.body).toMatchObject({
        tools: [{ name: 'get_weather', input_schema: weatherTool.parameters }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: question }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_w', name: 'get_weather', input: { location: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_w', content: '{"sky":"sunny"}' }] },
        ],
      });
    }
  });

  it('streams a function call, arguments and all', async () => {
    if (backend === 'api') fake.enqueue({ kind: 'tool_use', calls: [{ id: 'toolu_s', name: 'get_weather', input: { location: 'Paris' } }] });
    const stream = client.responses.stream({ model: 'claude-sonnet', input: 'Weather? [mock:tool=get_weather]', tools: [weatherTool] });
    let argumentDeltas = '';
    stream.on('response.function_call_arguments.delta', (event) => {
      argumentDeltas += event.delta;
    });
    const final = await stream.finalResponse();
    const call = final.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(JSON.parse(argumentDeltas)).toEqual({ location: 'Paris' });
  });

  it('continues a conversation with previous_response_id', async () => {
    const first = await client.responses.create({ model: 'claude-sonnet', instructions: 'Be terse.', input: 'My name is Ann.' });
    const second = await client.responses.create({ model: 'claude-sonnet', instructions: 'Be kind.', input: 'What is my name?', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe(answerTo('What is my name?'));
    if (backend === 'api') {
      // The earlier turn, without its instructions: the request's own apply.
      expect(fake.requests[1]!.body).toMatchObject({
        system: 'Be kind.',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'My name is Ann.' }] },
          { role: 'assistant', content: [{ type: 'text', text: answerTo('My name is Ann.') }] },
          { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
        ],
      });
    } else {
      expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
    }
    const streamed = await client.responses.stream({ model: 'claude-sonnet', input: 'Once more', previous_response_id: second.id }).finalResponse();
    expect(streamed.output_text).toBe(answerTo('Once more'));
  });

  it('raises refusals as APIError in OpenAI shape', async () => {
    const stored = client.responses.create({ model: 'claude-sonnet', input: 'x', previous_response_id: 'resp_123' });
    await expect(stored).rejects.toBeInstanceOf(APIError);
    await expect(stored).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found', param: 'previous_response_id' });
    await expect(client.responses.create({ model: 'nope', input: 'x' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(client.responses.retrieve('resp_123')).rejects.toMatchObject({ status: 404 });
  });
});
