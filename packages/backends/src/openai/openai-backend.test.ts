import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { startFakeOpenAI, type FakeOpenAI } from '@llm-gateway/testkit';
import { collectAnswer } from '@llm-gateway/shared';
import { createOpenAIBackend, type OpenAIBackend } from './openai-backend.ts';

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'llama3',
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  ...extra,
});

async function run(backend: OpenAIBackend, request: ChatRequest, signal = new AbortController().signal): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of backend.stream(request, { signal })) parts.push(part);
  return parts;
}

describe('createOpenAIBackend against a fake OpenAI-compatible upstream', () => {
  let fake: FakeOpenAI;
  let backend: OpenAIBackend;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    backend = createOpenAIBackend({ baseUrl: fake.url, apiKey: 'sk-upstream', retryBaseDelayMs: 1, modelMap: { 'claude-sonnet': 'llama3' } });
  });
  afterAll(async () => {
    await backend.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('streams text with usage, sending the key and the mapped model', async () => {
    fake.enqueue({ kind: 'text', text: 'hello from upstream', usage: { prompt_tokens: 11, completion_tokens: 3, cached_tokens: 8 } });
    const parts = await run(backend, ask('hi', { model: 'claude-sonnet', maxTokens: 20 }));
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
    const answer = await collectAnswer((async function* () { yield* parts; })());
    expect(answer).toMatchObject({ text: 'hello from upstream', finishReason: 'stop', usage: { promptTokens: 11, completionTokens: 3, cachedPromptTokens: 8 } });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-upstream');
    expect(fake.requests[0]!.body).toMatchObject({ model: 'llama3', max_tokens: 20, stream: true, stream_options: { include_usage: true } });
    expect(backend.models()).toEqual(['claude-sonnet']);
  });

  it('streams tool calls', async () => {
    fake.enqueue({ kind: 'tool_calls', calls: [{ id: 'call_a', name: 'f', arguments: '{"x":1,"y":"two"}' }, { id: 'call_b', name: 'g', arguments: '{}' }] });
    const answer = await collectAnswer(backend.stream(ask('tools', { tools: [{ name: 'f' }, { name: 'g' }] }), { signal: new AbortController().signal }));
    expect(answer.finishReason).toBe('tool_calls');
    expect(answer.toolCalls).toEqual([
      { id: 'call_a', name: 'f', arguments: '{"x":1,"y":"two"}' },
      { id: 'call_b', name: 'g', arguments: '{}' },
    ]);
  });

  it('passes 4xx on at once (429 with retry-after) and retries 5xx before output', async () => {
    fake.enqueue({ kind: 'error', status: 404, message: 'model "nope" not found' });
    expect(await run(backend, ask('x'))).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'model_not_found', message: expect.stringContaining('nope') }) }]);
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '9' } });
    expect(await run(backend, ask('x'))).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'rate_limit_exceeded', retryAfter: 9 }) }]);
    expect(fake.requests).toHaveLength(2);
    fake.enqueue({ kind: 'error', status: 503 }, { kind: 'error', status: 500 });
    expect((await collectAnswer(backend.stream(ask('third'), { signal: new AbortController().signal }))).text).toBe('echo: third');
    expect(fake.requests).toHaveLength(5);
  });

  it('ends with an error, without retrying, when the stream fails after output', async () => {
    fake.enqueue({ kind: 'error', status: 500, afterChunks: 2, message: 'went away' });
    const parts = await run(backend, ask('x'));
    expect(parts.map((part) => part.type)).toEqual(['text-delta', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({ error: { code: 'upstream_error', message: expect.stringContaining('went away') } });
    expect(fake.requests).toHaveLength(1);
  });

  it('aborts the upstream request at the deadline and when the client goes away', async () => {
    fake.enqueue({ kind: 'hang' });
    const hung = fake.waitForDisconnect();
    expect(await run(backend, ask('x'), AbortSignal.timeout(100))).toEqual([]);
    expect((await hung).disconnected).toBe(true);

    fake.enqueue({ kind: 'stall', text: 'a b c', afterChunks: 1 });
    const stalled = fake.waitForDisconnect();
    const controller = new AbortController();
    for await (const part of backend.stream(ask('y'), { signal: controller.signal })) {
      expect(part).toEqual({ type: 'text-delta', text: 'a' });
      controller.abort();
    }
    expect((await stalled).body.messages[0].content).toBe('y');
  });
});
