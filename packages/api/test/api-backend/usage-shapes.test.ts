import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';

/**
 * Issue 17 item 1, usage as OpenAI shapes it: with `include_usage`, every chunk before the usage
 * chunk carries `"usage": null`; usage has `prompt_tokens_details.cached_tokens` (Anthropic's cache
 * reads) and `completion_tokens_details.reasoning_tokens`, in JSON and streamed answers alike.
 */
describe('usage shapes (api backend → fake Anthropic)', () => {
  let fake: FakeAnthropic;
  let served: ServedGateway;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway({ LLM_BACKEND: 'api', ANTHROPIC_API_KEY: 'sk-ant-usage', ANTHROPIC_BASE_URL: fake.url });
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });

  // What the gateway reports for usageReply's upstream usage: cache reads count as prompt tokens.
  const USAGE_OF_REPLY = {
    prompt_tokens: 17,
    completion_tokens: 3,
    total_tokens: 20,
    prompt_tokens_details: { cached_tokens: 12 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const usageReply = (text: string) =>
    fake.enqueue({ kind: 'text', text, usage: { input_tokens: 5, cache_read_input_tokens: 12, output_tokens: 3 } });

  it('a JSON answer carries both details objects', async () => {
    usageReply('one two three');
    const completion = await served.client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'count' }] });
    expect(completion.usage).toEqual(USAGE_OF_REPLY);
  });

  it('reports zero cached tokens as known, not as missing', async () => {
    fake.enqueue({ kind: 'text', text: 'fresh', usage: { input_tokens: 4, cache_read_input_tokens: 0, output_tokens: 1 } });
    const completion = await served.client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.usage?.prompt_tokens_details).toEqual({ cached_tokens: 0 });
  });

  it('the official client sees usage: null on every chunk before the usage chunk', async () => {
    usageReply('alpha beta gamma delta');
    const stream = await served.client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(USAGE_OF_REPLY);
    const before = chunks.slice(0, -1);
    expect(before.length).toBeGreaterThan(2);
    for (const chunk of before) expect(chunk.usage).toBeNull();
  });

  it('raw SSE bytes: "usage":null in each chunk with include_usage, no usage key without it', async () => {
    const read = async (body: object) => {
      usageReply('raw bytes here');
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer tenant-key' },
        body: JSON.stringify({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }], stream: true, ...body }),
      });
      expect(response.status).toBe(200);
      const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('data: '));
      expect(events.at(-1)).toBe('data: [DONE]');
      return events.slice(0, -1).map((event) => event.slice('data: '.length));
    };

    const withUsage = await read({ stream_options: { include_usage: true } });
    const usageEvent = withUsage.at(-1)!;
    for (const raw of withUsage.slice(0, -1)) {
      expect(raw.endsWith(',"usage":null}')).toBe(true);
      expect(JSON.parse(raw)).toMatchObject({ object: 'chat.completion.chunk', usage: null, system_fingerprint: null });
    }
    expect(JSON.parse(usageEvent)).toMatchObject({ choices: [], usage: { prompt_tokens_details: { cached_tokens: 12 }, completion_tokens_details: { reasoning_tokens: 0 } } });

    const withoutUsage = await read({});
    for (const raw of withoutUsage) expect(raw.includes('"usage"')).toBe(false);
    const text = withoutUsage.map((raw) => (JSON.parse(raw) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('raw bytes here');
  });
});
