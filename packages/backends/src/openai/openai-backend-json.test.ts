import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, StreamPart } from '@llm-gateway/shared';
import { startFakeOpenAI, type FakeOpenAI } from '@llm-gateway/testkit';
import { collectAnswer } from '@llm-gateway/shared';
import { createOpenAIBackend, type OpenAIBackend } from './openai-backend.ts';

const request: ChatRequest = { model: 'llama3', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

async function run(backend: OpenAIBackend, stream: boolean | undefined): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of backend.stream(request, { signal: new AbortController().signal, stream })) parts.push(part);
  return parts;
}

/** The stream hint: a client that does not stream gets one JSON completion fetched upstream. */
describe('createOpenAIBackend and BackendCallOptions.stream', () => {
  let fake: FakeOpenAI;
  let backend: OpenAIBackend;
  let streamingOnly: OpenAIBackend;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    backend = createOpenAIBackend({ baseUrl: fake.url });
    streamingOnly = createOpenAIBackend({ baseUrl: fake.url, jsonWhenNotStreaming: false });
  });
  afterAll(async () => {
    await Promise.all([backend.close(), streamingOnly.close()]);
    await fake.close();
  });

  it('asks for JSON without stream options when the client does not stream, with the same answer', async () => {
    fake.enqueue({ kind: 'text', text: 'one two three', usage: { prompt_tokens: 4, completion_tokens: 3 } });
    const json = await collectAnswer((async function* () { yield* await run(backend, false); })());
    fake.enqueue({ kind: 'text', text: 'one two three', usage: { prompt_tokens: 4, completion_tokens: 3 } });
    const streamed = await collectAnswer((async function* () { yield* await run(backend, true); })());
    expect(json).toEqual(streamed);
    expect(json).toMatchObject({ text: 'one two three', finishReason: 'stop', usage: { promptTokens: 4, completionTokens: 3 } });
    const [first, second] = fake.requests.slice(-2);
    expect(first!.body.stream).toBe(false);
    expect(first!.body.stream_options).toBeUndefined();
    expect(second!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams when the hint is absent or JSON is turned off', async () => {
    await run(backend, undefined);
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
    await run(streamingOnly, false);
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
  });
});
