import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';

describe('startFakeOpenAI, read by the official openai client', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ baseURL: fake.url, apiKey: 'sk-fake', maxRetries: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('echoes as a chat.completion and records the request', async () => {
    const completion = await client.chat.completions.create({ model: 'llama3', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'echo: hello' }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer sk-fake');
  });

  it('streams text and tool calls that the client assembles, usage chunk last', async () => {
    fake.enqueue({ kind: 'tool_calls', text: 'Let me look.', calls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"weather in Paris"}' }], usage: { cached_tokens: 4 } });
    const stream = await client.chat.completions.create({
      model: 'llama3',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let args = '';
    const finishes: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const part of stream) {
      const choice = part.choices[0];
      text += choice?.delta.content ?? '';
      args += choice?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      if (choice?.finish_reason) finishes.push(choice.finish_reason);
      if (part.usage) usage = part.usage;
    }
    expect(text).toBe('Let me look.');
    expect(JSON.parse(args)).toEqual({ q: 'weather in Paris' });
    expect(finishes).toEqual(['tool_calls']);
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(4);
  });

  it('answers errors with the OpenAI error body and headers', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('3');
  });

  it('fails a stream mid-way with an error data line, and lists a model', async () => {
    fake.enqueue({ kind: 'error', status: 500, afterChunks: 1, message: 'boom' });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const part of stream) seen.push(part.choices[0]?.delta.content ?? '');
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(['x']);
    expect(String(failure)).toContain('boom');
    expect((await client.models.list()).data[0]!.id).toBe('fake-model');
  });
});
