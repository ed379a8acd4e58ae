import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';

/**
 * Tenants' view of `LLM_BACKEND=api`: the official openai client → the gateway over a socket →
 * the Anthropic SDK → a fake Anthropic Messages API over a socket.
 */
describe('openai client → gateway (api backend) → fake Anthropic', () => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway({
      LLM_BACKEND: 'api',
      LLM_REQUEST_TIMEOUT: '1',
      ANTHROPIC_API_KEY: 'sk-ant-e2e-secret',
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_MODEL_ALIASES: 'claude-sonnet=claude-sonnet-4-6',
    });
    client = served.client;
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('answers a plain completion, translating system prompt, history and the model alias', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Hello!' },
      ],
      max_tokens: 256,
      temperature: 0.7,
      stop: ['###'],
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: Hello!' }, finish_reason: 'stop' }],
    });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(fake.requests[0]!.body).toMatchObject({
      model: 'claude-sonnet-4-6',
      system: 'You are terse.',
      max_tokens: 256,
      stop_sequences: ['###'],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hello!' }] },
      ],
    });
  });

  it('streams text with usage, cached prompt tokens included', async () => {
    fake.enqueue({ kind: 'text', text: 'one two three four', usage: { input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 4 } });
    const stream = await client.chat.completions.create({
      model: 'claude-haiku',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four');
    expect(chunks).toBeGreaterThan(4);
    expect(usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 20 } });
  });

  it('round-trips parallel tool calls: tool_use out, tool results back in', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    fake.enqueue({ kind: 'tool_use', calls: [{ id: 'toolu_p', name: 'weather', input: { city: 'Paris' } }, { id: 'toolu_r', name: 'weather', input: { city: 'Rome' } }] });
    const first = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Paris and Rome?' }], tools, tool_choice: 'required' });
    const message = first.choices[0]!.message;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(message.tool_calls!.map((call) => call.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['toolu_p', 'weather', { city: 'Paris' }],
      ['toolu_r', 'weather', { city: 'Rome' }],
    ]);
    expect(fake.requests[0]!.body.tool_choice).toEqual({ type: 'any' });

    fake.enqueue({ kind: 'text', text: 'Both sunny.' });
    const second = await client.chat.completions.create({
      model: 'claude-sonnet',
      tools,
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        message,
        { role: 'tool', tool_call_id: 'toolu_p', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_r', content: 'sunny' },
      ],
    });
    expect(second.choices[0]!.message.content).toBe('Both sunny.');
    expect(fake.requests[1]!.body.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_p', content: 'sunny' },
        { type: 'tool_result', tool_use_id: 'toolu_r', content: 'sunny' },
      ],
    });
  });

  it('streams tool-call argument deltas', async () => {
    fake.enqueue({ kind: 'tool_use', text: 'Looking.', calls: [{ id: 'toolu_s', name: 'search', input: { query: 'a fairly long query string', limit: 10 } }] });
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'search' }],
      tools: [{ type: 'function', function: { name: 'search' } }],
      stream: true,
    });
    const argumentDeltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.arguments) argumentDeltas.push(call.function.arguments);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(argumentDeltas.length).toBeGreaterThan(2);
    expect(JSON.parse(argumentDeltas.join(''))).toEqual({ query: 'a fairly long query string', limit: 10 });
    expect(finish).toBe('tool_calls');
  });

  it('answers response_format json_object with JSON content', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'give me json' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ text: 'give me json' });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('sends images from data URLs and http URLs', async () => {
    await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
          ],
        },
      ],
    });
    expect(fake.requests[0]!.body.messages[0].content.slice(1)).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } },
    ]);
  });

  it('maps upstream errors: 429 keeps retry-after, 401 stays 401, and the key never leaks', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '12' } });
    const limited = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('12');

    fake.enqueue({ kind: 'error', status: 401, message: 'invalid x-api-key' });
    const refused = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }], stream: true }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(JSON.stringify((refused as APIError).error)).not.toContain('sk-ant-e2e-secret');
  });

  it('retries an upstream 500 and answers', async () => {
    fake.enqueue({ kind: 'error', status: 500 });
    const completion = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'retry me' }] });
    expect(completion.choices[0]!.message.content).toBe('echo: retry me');
    expect(fake.requests).toHaveLength(2);
  });

  it('ends a stream that fails after output with an error event', async () => {
    fake.enqueue({ kind: 'error', status: 529, afterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((error: unknown) => error);
    expect(text).toBe('x x');
    expect(String(failure)).toMatch(/overloaded/i);
  });

  it('times out a hanging upstream with 504 and closes the upstream connection', async () => {
    fake.enqueue({ kind: 'hang' });
    const disconnected = fake.waitForDisconnect();
    const error = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(504);
    expect((await disconnected).disconnected).toBe(true);
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    fake.enqueue({ kind: 'stall', text: 'a b c d e', afterChunks: 2 });
    const disconnected = fake.waitForDisconnect();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'claude-sonnet', messages: [{ role: 'user', content: 'walk away' }], stream: true },
      { signal: controller.signal },
    );
    let text = '';
    // The openai client ends the iteration quietly when its request is aborted.
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text === 'a b') controller.abort();
    }
    expect(text).toBe('a b');
    const closed = await disconnected;
    expect(closed.body.messages[0].content[0].text).toBe('walk away');
  });
});
