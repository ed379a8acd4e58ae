import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';

/** `LLM_BACKEND=openai`: the gateway in front of any OpenAI-compatible server (vLLM, Ollama, OpenAI). */
describe('openai client → gateway (openai backend) → fake OpenAI-compatible upstream', () => {
  let fake: FakeOpenAI;
  let served: ServedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    served = await serveGateway({ LLM_BACKEND: 'openai', LLM_REQUEST_TIMEOUT: '2', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'sk-upstream' }, { apiKey: 'tenant' });
    client = served.client;
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });

  it('forwards a completion with the upstream key, not the tenant one', async () => {
    const completion = await client.chat.completions.create({ model: 'llama3.1', messages: [{ role: 'user', content: 'hi' }], max_tokens: 9 });
    expect(completion.choices[0]).toMatchObject({ message: { content: 'echo: hi' }, finish_reason: 'stop' });
    expect(fake.requests.at(-1)).toMatchObject({ headers: { authorization: 'Bearer sk-upstream' }, body: { model: 'llama3.1', max_tokens: 9, stream: false } });
  });

  it('streams tool calls through', async () => {
    fake.enqueue({ kind: 'tool_calls', calls: [{ id: 'call_1', name: 'lookup', arguments: '{"term":"gateway"}' }] });
    const stream = await client.chat.completions.create({
      model: 'llama3.1',
      messages: [{ role: 'user', content: 'look it up' }],
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      stream: true,
    });
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(JSON.parse(args)).toEqual({ term: 'gateway' });
    expect(finish).toBe('tool_calls');
  });

  it('passes an upstream 429 on with retry-after', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '4' } });
    const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).headers?.get('retry-after')).toBe('4');
  });
});
