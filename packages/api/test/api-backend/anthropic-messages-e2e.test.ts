import Anthropic, { APIError, RateLimitError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { anthropicClient } from '../helpers/anthropic-client.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway, type GatewayFactory } from '../helpers/test-gateway.ts';

/**
 * `LLM_BACKEND=api` behind the Messages front end: the official @anthropic-ai/sdk → the gateway
 * over a socket → the dispatcher (in-process, or through Redis) → the Anthropic backend → a fake
 * Anthropic API.
 */
describe.each<[string, GatewayFactory]>([
  ['embedded', inProcessGateway],
  ['Redis dispatcher', redisGateway],
])('@anthropic-ai/sdk → gateway (api backend, %s) → fake Anthropic', (_name, factory) => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway({
      LLM_BACKEND: 'api',
      LLM_REQUEST_TIMEOUT: '2',
      ANTHROPIC_API_KEY: 'sk-ant-e2e-secret',
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_MODEL_ALIASES: 'claude-sonnet=claude-sonnet-4-6',
    }, { factory });
    client = anthropicClient(served.url);
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('passes system blocks, images, stop_sequences and metadata on unchanged', async () => {
    // Anthropic's own blocks: they reach the upstream exactly as sent.
    const content: Anthropic.ContentBlockParam[] = [
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } },
    ];
    const message = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 200,
      system: [{ type: 'text', text: 'You are terse.' }],
      stop_sequences: ['###'],
      metadata: { user_id: 'user-7' },
      messages: [{ role: 'user', content }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: Compare' }]);
    expect(message.model).toBe('claude-sonnet');
    expect(fake.requests[0]!.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      system: [{ type: 'text', text: 'You are terse.' }],
      stop_sequences: ['###'],
      metadata: { user_id: 'user-7' },
      messages: [{ role: 'user', content }],
    });
  });

  it('streams with usage, cached prompt tokens apart from input_tokens', async () => {
    fake.enqueue({ kind: 'text', text: 'one two three four', usage: { input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 4 } });
    const stream = client.messages.stream({ model: 'claude-haiku', max_tokens: 64, messages: [{ role: 'user', content: 'count' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.join('')).toBe('one two three four');
    expect(deltas.length).toBeGreaterThan(1);
    expect(message.usage).toMatchObject({ input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 4 });
  });

  it('round-trips parallel tool calls: tool_use out, tool_result back in', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    fake.enqueue({ kind: 'tool_use', calls: [{ id: 'toolu_p', name: 'weather', input: { city: 'Paris' } }, { id: 'toolu_r', name: 'weather', input: { city: 'Rome' } }] });
    const question: Anthropic.MessageParam = { role: 'user', content: 'Paris and Rome?' };
    const first = await client.messages.create({ model: 'claude-sonnet', max_tokens: 64, tools, tool_choice: { type: 'any' }, messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content.filter((block) => block.type === 'tool_use')).toEqual([
      { type: 'tool_use', id: 'toolu_p', name: 'weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'toolu_r', name: 'weather', input: { city: 'Rome' } },
    ]);
    expect(fake.requests[0]!.body).toMatchObject({ tool_choice: { type: 'any' }, tools: [{ name: 'weather', input_schema: tools[0]!.input_schema }] });

    fake.enqueue({ kind: 'text', text: 'Both sunny.' });
    const second = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 64,
      tools,
      messages: [
        question,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_p', content: 'sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_r', content: [{ type: 'text', text: 'sunny' }] },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Both sunny.' }]);
    expect(fake.requests[1]!.body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_p', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_r', name: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_p', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_r', content: [{ type: 'text', text: 'sunny' }] },
        ],
      },
    ]);
  });

  it('loses nothing a Messages request says that the upstream can take: cache_control, is_error; earlier thinking is left out', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }];
    fake.enqueue({ kind: 'text', text: 'ok', usage: { input_tokens: 3, cache_read_input_tokens: 1_000, output_tokens: 1 } });
    const message = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 64,
      system: [{ type: 'text', text: 'A long, cached system prompt.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look it up', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should look.', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_l', name: 'lookup', input: {} },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_l', content: 'not found', is_error: true }] },
      ],
    });
    expect(message.usage).toMatchObject({ input_tokens: 3, cache_read_input_tokens: 1_000 });
    const upstream = fake.requests[0]!.body;
    expect(upstream).toMatchObject({
      system: [{ type: 'text', text: 'A long, cached system prompt.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look it up', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_l', name: 'lookup', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_l', content: 'not found', is_error: true }] },
      ],
    });
    // The answer cannot carry thinking blocks back, so thinking is not asked for.
    expect(upstream).not.toHaveProperty('thinking');
  });

  it('streams tool input as input_json_delta the SDK assembles', async () => {
    fake.enqueue({ kind: 'tool_use', text: 'Looking.', calls: [{ id: 'toolu_s', name: 'search', input: { query: 'a fairly long query string', limit: 10 } }] });
    const message = await client.messages
      .stream({ model: 'claude-sonnet', max_tokens: 64, tools: [{ name: 'search', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'search' }] })
      .finalMessage();
    expect(message.content).toEqual([
      { type: 'text', text: 'Looking.' },
      { type: 'tool_use', id: 'toolu_s', name: 'search', input: { query: 'a fairly long query string', limit: 10 } },
    ]);
  });

  it('reports a stop at a stop sequence as stop_sequence, naming it, streamed or not', async () => {
    const params = { model: 'claude-sonnet', max_tokens: 64, stop_sequences: ['###'], messages: [{ role: 'user' as const, content: 'x' }] };
    fake.enqueue({ kind: 'text', text: 'before', stopReason: 'stop_sequence', stopSequence: '###' });
    expect(await client.messages.create(params)).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '###' });
    fake.enqueue({ kind: 'text', text: 'before', stopReason: 'stop_sequence', stopSequence: '###' });
    expect(await client.messages.stream(params).finalMessage()).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '###' });
  });

  it('counts tokens in the gateway, without an upstream call', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("passes upstream failures on in Anthropic's classes: 429 with retry-after, overloaded mid-stream", async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '12' } });
    const limited = await client.messages.create({ model: 'claude-sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('12');

    fake.enqueue({ kind: 'error', status: 529, afterChunks: 2 });
    const failure = await client.messages.stream({ model: 'claude-sonnet', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ type: 'overloaded_error' });
    expect(JSON.stringify(failure)).not.toContain('sk-ant-e2e-secret');
  });
});
