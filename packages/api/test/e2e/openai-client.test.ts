import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';

/** The official `openai` client over a real socket: what tenants actually run. */
describe('the openai client against the embedded gateway', () => {
  let served: ServedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    served = await serveGateway({ LLM_REQUEST_TIMEOUT: '5' }, { apiKey: 'not-required-for-cli-backend' });
    client = served.client;
  });
  afterAll(async () => {
    await served?.close();
  });

  async function sessions(): Promise<SessionInfo[]> {
    return ((await (await fetch(`${served.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions;
  }

  it('creates a completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'Hello!' }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]!.message.content).toBe('This is a mock response to: Hello!');
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
  });

  it('streams without usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    let text = '';
    const finishReasons: string[] = [];
    for await (const chunk of stream) {
      expect(chunk.usage ?? null).toBeNull();
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishReasons.push(chunk.choices[0].finish_reason);
    }
    expect(text).toBe('This is a mock response to: Stream please');
    expect(finishReasons).toEqual(['stop']);
  });

  it('streams with include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-haiku',
      messages: [{ role: 'user', content: 'Count me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('raises errors as APIError with the right status', async () => {
    const unknownModel = client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    await expect(unknownModel).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const twoChoices = client.chat.completions.create({ model: 'claude-sonnet', n: 2, messages: [{ role: 'user', content: 'x' }] });
    await expect(twoChoices).rejects.toBeInstanceOf(APIError);
    await expect(twoChoices).rejects.toMatchObject({ status: 400, param: 'n' });
  });

  it('raises a mid-stream failure as an APIError while iterating', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [{ role: 'user', content: 'a b c d e f [mock:fail-after=3]' }],
      stream: true,
    });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toBeInstanceOf(APIError);
    expect(received.join('')).toBe('This is a ');
  });

  it('serves 50 concurrent requests', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: `request ${index}` }] }),
      ),
    );
    answers.forEach((answer, index) => expect(answer.choices[0]!.message.content).toBe(`This is a mock response to: request ${index}`));
    expect(new Set(answers.map((answer) => answer.id)).size).toBe(50);
  });

  it('cancels the job when the client aborts mid-stream', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      {
        model: 'claude-sonnet',
        messages: [{ role: 'user', content: '[mock:words=1000] [mock:chunk-delay=20]' }],
        stream: true,
      },
      { signal: controller.signal },
    );
    let received = 0;
    // The client ends its iteration quietly once aborted.
    for await (const _chunk of stream) {
      received += 1;
      if (received === 3) controller.abort();
    }
    expect(received).toBeGreaterThanOrEqual(3);
    expect(received).toBeLessThan(100);
    // The session that served it is freed (reset, or recycled) instead of streaming 1,000 words.
    const deadline = Date.now() + 3_000;
    let busy = (await sessions()).filter((session) => session.status === 'busy');
    while (busy.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      busy = (await sessions()).filter((session) => session.status === 'busy');
    }
    expect(busy).toEqual([]);
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/llm_requests_total\{[^}]*status="499"/);
  });
});
