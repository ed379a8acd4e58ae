import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { collectAnswer } from '@llm-gateway/shared';
import { createAnthropicBackend, type AnthropicBackend } from './anthropic-backend.ts';

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-haiku',
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  ...extra,
});

async function run(backend: AnthropicBackend, request: ChatRequest, signal = new AbortController().signal): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of backend.stream(request, { signal })) parts.push(part);
  return parts;
}

describe('createAnthropicBackend against the fake Anthropic API', () => {
  let fake: FakeAnthropic;
  let backend: AnthropicBackend;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    backend = createAnthropicBackend({ apiKey: 'sk-ant-test-key', baseUrl: fake.url, maxRetries: 2, retryBaseDelayMs: 1 });
  });
  afterAll(async () => {
    await backend.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.setDefault((body) => ({ kind: 'text', text: `echo: ${body.messages.at(-1).content.at(-1).text}` }));
  });

  it('streams text, resolving the model alias, over one keep-alive connection', async () => {
    const first = await run(backend, ask('hello world', { maxTokens: 64 }));
    const second = await collectAnswer(backend.stream(ask('again'), { signal: new AbortController().signal }));
    expect(first.filter((part) => part.type === 'text-delta').map((part) => part.text).join('')).toBe('echo: hello world');
    expect(first.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number), cachedPromptTokens: 0, reasoningTokens: 0 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(second.text).toBe('echo: again');
    expect(fake.requests[0]).toMatchObject({
      path: '/v1/messages',
      body: { model: 'claude-haiku-5-5', max_tokens: 64, stream: true },
    });
    expect(fake.requests[0]!.headers['authorization'] ?? fake.requests[0]!.headers['x-api-key']).toContain('sk-ant-test-key');
    // undici frees a connection a tick after the body ends, so back-to-back requests alternate
    // between two pooled connections rather than opening one each.
    await collectAnswer(backend.stream(ask('three'), { signal: new AbortController().signal }));
    await collectAnswer(backend.stream(ask('four'), { signal: new AbortController().signal }));
    expect(new Set(fake.requests.map((request) => request.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('streams parallel tool calls with their argument deltas', async () => {
    fake.enqueue({
      kind: 'tool_use',
      text: 'Checking both.',
      calls: [
        { id: 'toolu_a', name: 'weather', input: { city: 'Paris', units: 'metric' } },
        { id: 'toolu_b', name: 'weather', input: { city: 'Rome' } },
      ],
    });
    const parts = await run(backend, ask('weather?', { tools: [{ name: 'weather', parameters: { type: 'object' } }] }));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.filter((part) => part.index === 0).length).toBeGreaterThan(2);
    const answer = await collectAnswer((async function* () { yield* parts; })());
    expect(answer).toMatchObject({ text: 'Checking both.', finishReason: 'tool_calls' });
    expect(answer.toolCalls.map((call) => [call.id, call.name, JSON.parse(call.arguments)])).toEqual([
      ['toolu_a', 'weather', { city: 'Paris', units: 'metric' }],
      ['toolu_b', 'weather', { city: 'Rome' }],
    ]);
    expect(fake.requests[0]!.body.tools).toEqual([{ name: 'weather', input_schema: { type: 'object' } }]);
  });

  it('answers json_object requests with JSON text through the forced tool', async () => {
    fake.setDefault({ kind: 'tool_use', calls: [{ name: 'json_response', input: { answer: 42, items: ['a'] } }] });
    const answer = await collectAnswer(backend.stream(ask('json please', { responseFormat: { type: 'json_object' } }), { signal: new AbortController().signal }));
    expect(JSON.parse(answer.text)).toEqual({ answer: 42, items: ['a'] });
    expect(answer).toMatchObject({ finishReason: 'stop', toolCalls: [] });
    expect(fake.requests[0]!.body.tool_choice).toMatchObject({ type: 'tool', name: 'json_response' });
  });

  it.each([
    [400, 'invalid_value', 400],
    [401, 'invalid_api_key', 401],
    [403, 'permission_denied', 403],
    [404, 'model_not_found', 404],
  ])('reports upstream %i as %s (%i) without retrying', async (status, code, expectedStatus) => {
    fake.enqueue({ kind: 'error', status, message: 'nope' });
    const parts = await run(backend, ask('x'));
    expect(parts).toEqual([{ type: 'error', error: expect.objectContaining({ code }) }]);
    const part = parts[0]!;
    expect(part.type === 'error' && (part.error.status ?? expectedStatus)).toBe(expectedStatus);
    expect(fake.requests).toHaveLength(1);
  });

  it('passes a 429 back at once with its retry-after', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '30' } });
    const parts = await run(backend, ask('x'));
    expect(parts).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'rate_limit_exceeded', retryAfter: 30 }) }]);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 5xx and overload before any output, then succeeds', async () => {
    fake.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 529, afterChunks: 0 });
    const answer = await collectAnswer(backend.stream(ask('third time lucky'), { signal: new AbortController().signal }));
    expect(answer.text).toBe('echo: third time lucky');
    expect(fake.requests).toHaveLength(3);
  });

  it('gives up after the retries: 529 overloaded becomes 503, a 5xx becomes 502', async () => {
    fake.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 529 })));
    expect(await run(backend, ask('x'))).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'overloaded' }) }]);
    fake.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 502 })));
    expect(await run(backend, ask('x'))).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'upstream_error' }) }]);
    expect(fake.requests).toHaveLength(6);
  });

  it('does not retry once output has streamed: a mid-stream error ends the stream', async () => {
    fake.enqueue({ kind: 'error', status: 529, afterChunks: 2 });
    const parts = await run(backend, ask('x'));
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({ error: { code: 'overloaded' } });
    expect(fake.requests).toHaveLength(1);
  });

  it('stops a hanging upstream at the deadline and closes its connection', async () => {
    fake.enqueue({ kind: 'hang' });
    const disconnected = fake.waitForDisconnect();
    const started = Date.now();
    const parts = await run(backend, ask('x'), AbortSignal.timeout(150));
    expect(parts).toEqual([]); // the caller reports its own timeout
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await disconnected).disconnected).toBe(true);
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    fake.enqueue({ kind: 'stall', text: 'one two three four', afterChunks: 2 });
    const controller = new AbortController();
    const disconnected = fake.waitForDisconnect();
    const parts: StreamPart[] = [];
    for await (const part of backend.stream(ask('x'), { signal: controller.signal })) {
      parts.push(part);
      if (parts.length === 2) controller.abort();
    }
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta']);
    expect((await disconnected).body.messages[0].content[0].text).toBe('x');
  });

  it('aborts the upstream request when the consumer stops reading', async () => {
    fake.enqueue({ kind: 'stall', text: 'one two three', afterChunks: 1 });
    const disconnected = fake.waitForDisconnect();
    for await (const part of backend.stream(ask('x'), { signal: new AbortController().signal })) {
      expect(part.type).toBe('text-delta');
      break;
    }
    expect((await disconnected).disconnected).toBe(true);
  });

  it('refuses an unsupported image before calling the upstream', async () => {
    const parts = await run(backend, { model: 'claude-haiku', messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] });
    expect(parts).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'invalid_value', param: 'messages' }) }]);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createAnthropicBackend without an upstream', () => {
  it('reports an unreachable API as 502 after retrying, and stops retrying when aborted', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const backend = createAnthropicBackend({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1, retryBaseDelayMs: 1 });
    try {
      expect(await run(backend, ask('x'))).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'upstream_error' }) }]);
      const slow = createAnthropicBackend({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}`, maxRetries: 5, retryBaseDelayMs: 60_000 });
      const started = Date.now();
      expect(await run(slow, ask('x'), AbortSignal.timeout(100))).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2000);
      await slow.close();
    } finally {
      await backend.close();
    }
  });
});
