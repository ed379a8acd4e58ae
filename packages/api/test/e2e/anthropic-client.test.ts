import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient } from '../helpers/anthropic-client.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};

/** The official @anthropic-ai/sdk against the gateway over a real socket, on both dispatchers. */
describe.each<[string, GatewayFactory]>([
  ['embedded', inProcessGateway],
  ['Redis dispatcher', redisGateway],
])('@anthropic-ai/sdk → gateway (mock backend, %s)', (_name, factory) => {
  let served: ServedGateway;
  let client: Anthropic;
  beforeAll(async () => {
    served = await serveGateway({ LLM_API_KEYS: 'tenant-key:acme' }, { factory });
    client = anthropicClient(served.url);
  });
  afterAll(() => served?.close());

  it('messages.create answers a Message', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 128,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'This is a mock response to: Hello!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('messages.stream streams text and assembles the final message', async () => {
    const stream = client.messages.stream({ model: 'claude-haiku', max_tokens: 128, messages: [{ role: 'user', content: 'Stream me' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('This is a mock response to: Stream me');
    expect(message.content).toEqual([{ type: 'text', text: 'This is a mock response to: Stream me' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call: tool_use out, tool_result back in', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: '[mock:tool=get_weather] Weather in Paris?' };
    const first = await client.messages.create({ model: 'claude-sonnet', max_tokens: 128, tools: [weather], tool_choice: { type: 'any' }, messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(call).toMatchObject({ name: 'get_weather', id: expect.any(String) });

    const stream = client.messages.stream({
      model: 'claude-sonnet',
      max_tokens: 128,
      tools: [weather],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] },
      ],
    });
    const second = await stream.finalMessage();
    // The mock answers from the tool results, as a model would.
    expect(second.content).toEqual([{ type: 'text', text: 'The tools answered: sunny' }]);
  });

  it('streams a tool call the SDK assembles into a tool_use block', async () => {
    const message = await client.messages
      .stream({ model: 'claude-sonnet', max_tokens: 128, tools: [weather], messages: [{ role: 'user', content: '[mock:tool=get_weather]' }] })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.find((block) => block.type === 'tool_use')).toMatchObject({ type: 'tool_use', name: 'get_weather', input: expect.any(Object) });
  });

  it('countTokens answers the estimate', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }], tools: [weather] });
    expect(counted.input_tokens).toBeGreaterThan(10);
  });

  it("raises the SDK's error classes", async () => {
    const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) =>
      client.messages.create({ model: 'claude-sonnet', max_tokens: 64, messages: [{ role: 'user', content }], ...extra });
    await expect(ask('hi', { model: 'no-such-model' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(ask('hi', { max_tokens: undefined as unknown as number })).rejects.toBeInstanceOf(BadRequestError);
    await expect(ask('[mock:error=overloaded]')).rejects.toBeInstanceOf(OverloadedError);
    await expect(ask('[mock:error=rate_limit_exceeded]')).rejects.toBeInstanceOf(RateLimitError);
    await expect(ask('[mock:error=upstream_error]')).rejects.toBeInstanceOf(InternalServerError);
    await expect(anthropicClient(served.url, 'wrong-key').messages.create({ model: 'claude-sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const overloaded = await ask('[mock:error=overloaded]').catch((error: unknown) => error);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('raises a failure in mid-stream as an APIError of its type', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet', max_tokens: 64, messages: [{ role: 'user', content: 'one two three [mock:fail-after=2]' }] });
    const error = await stream.finalMessage().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ type: 'api_error' });
  });
});
