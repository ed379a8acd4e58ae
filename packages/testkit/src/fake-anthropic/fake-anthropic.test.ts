import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkText } from './anthropic-events.ts';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.ts';
import { parseSseEvents as parseSse, readAnthropicFixture } from './fixtures.ts';

const base = { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] };

/** Every key path of a JSON value, array items merged: the shape without the values. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((item) => keyPaths(item, `${prefix}[]`)))].sort();
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => keyPaths(item, `${prefix}.${key}`)).sort();
}

function post(fake: FakeAnthropic, body: unknown, path = '/v1/messages'): Promise<Response> {
  return fetch(fake.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test' },
    body: JSON.stringify(body),
  });
}

describe('startFakeAnthropic', () => {
  let fake: FakeAnthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('echoes the last user text as a JSON message and records the request', async () => {
    const response = await post(fake, { ...base, thinking: { type: 'disabled' }, metadata: { user_id: 'u' } });
    expect(response.status).toBe(200);
    const message = await response.json();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_read_input_tokens: 0 },
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { thinking: { type: 'disabled' } } });
    expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-test');
  });

  it('streams text in the event order of the real API', async () => {
    fake.enqueue({ kind: 'text', text: 'one two three', usage: { input_tokens: 7, cache_read_input_tokens: 3 } });
    const response = await post(fake, { ...base, stream: true }, '/v1/messages?beta=true');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    expect(events.map((event) => event.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.every((event) => event.event === event.data.type)).toBe(true);
    expect(events[0]!.data.message.usage).toMatchObject({ input_tokens: 7, cache_read_input_tokens: 3 });
    const text = events.filter((event) => event.event === 'content_block_delta').map((event) => event.data.delta.text);
    expect(text.join('')).toBe('one two three');
    expect(events[7]!.data).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('streams tool calls as input_json_delta pieces that join to the input', async () => {
    const input = { city: 'Paris', days: [1, 2, 3], nested: { unit: 'celsius' } };
    fake.enqueue({ kind: 'tool_use', text: 'Let me check.', calls: [{ id: 'toolu_1', name: 'weather', input }, { name: 'time', input: {} }] });
    const events = parseSse(await (await post(fake, { ...base, stream: true })).text());
    const starts = events.filter((event) => event.event === 'content_block_start').map((event) => event.data);
    expect(starts).toMatchObject([
      { index: 0, content_block: { type: 'text' } },
      { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {} } },
      { index: 2, content_block: { type: 'tool_use', name: 'time', input: {} } },
    ]);
    const json = events
      .filter((event) => event.data.index === 1 && event.data.delta?.type === 'input_json_delta')
      .map((event) => event.data.delta.partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual(input);
    expect(events.find((event) => event.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });

  it('answers a forced tool choice with a call of that tool by default', async () => {
    const message: any = await (await post(fake, { ...base, tool_choice: { type: 'tool', name: 'json' } })).json();
    expect(message.content).toEqual([{ type: 'tool_use', id: expect.any(String), name: 'json', input: { text: 'hello there' } }]);
  });

  it('sends HTTP errors with headers, and mid-stream errors as an error event', async () => {
    fake.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    fake.enqueue({ kind: 'error', status: 529, afterChunks: 2 });
    const limited = await post(fake, base);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const events = parseSse(await (await post(fake, { ...base, stream: true })).text());
    expect(events.map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'error']);
    expect(events[4]!.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'fake overloaded_error' } });
  });

  it('rejects a body without max_tokens and answers other paths with 404 JSON', async () => {
    const { max_tokens: _, ...missing } = base;
    expect((await post(fake, missing)).status).toBe(400);
    const notFound = await fetch(fake.url + '/v1/models');
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: { type: 'not_found_error' } });
  });

  it('notices a client that disconnects from a hanging request, and close() ends hanging connections', async () => {
    fake.enqueue({ kind: 'hang' }, { kind: 'stall', text: 'a b c d', afterChunks: 2 });
    const controller = new AbortController();
    const pending = post(fake, base, '/v1/messages').catch((error: unknown) => error);
    const aborted = fetch(fake.url + '/v1/messages', {
      method: 'POST',
      body: JSON.stringify({ ...base, stream: true }),
      signal: controller.signal,
    }).then(async (response) => {
      const reader = response.body!.getReader();
      await reader.read(); // the stalled stream's first bytes arrived
      controller.abort();
    });
    const disconnected = fake.waitForDisconnect();
    await aborted;
    expect((await disconnected).body.stream).toBe(true);
    await fake.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('sends the same keys, event by event type, as a recorded real stream', async () => {
    const fixture = parseSse(readAnthropicFixture('tool-stream'));
    fake.enqueue({ kind: 'tool_use', text: 'Okay', calls: [{ name: 'get_weather', input: { location: 'SF' } }] });
    const events = parseSse(await (await post(fake, { ...base, stream: true })).text());
    // Same order of event kinds; runs of deltas may differ in length.
    const kinds = (list: Array<{ event: string }>) =>
      list.map((event) => event.event).filter((name, i, all) => name !== 'content_block_delta' || all[i - 1] !== name);
    expect(kinds(events)).toEqual(kinds(fixture));
    for (const recorded of fixture) {
      const variant = (data: any) => data.content_block?.type ?? data.delta?.type;
      const ours = events.find((event) => event.event === recorded.event && variant(event.data) === variant(recorded.data));
      expect(keyPaths(ours!.data), recorded.event).toEqual(keyPaths(recorded.data));
    }
    expect(chunkText('one two  three ')).toEqual(['one', ' two', '  three', ' ']);
  });
});

describe('startFakeAnthropic with a latency model', () => {
  it('waits before answering and reports what its prompt cache read and wrote', async () => {
    const fake = await startFakeAnthropic({ latency: { baseMs: 40, uncachedTokenMs: 0, cachedTokenMs: 0, minCacheableTokens: 1 } });
    try {
      const body = { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'a long prompt', cache_control: { type: 'ephemeral' } }] }] };
      const started = performance.now();
      const first = (await (await post(fake, body)).json()) as { usage: Record<string, number> };
      // A lower bound only: the fixed latency is a floor, whatever the machine's load.
      expect(performance.now() - started).toBeGreaterThanOrEqual(39);
      expect(first.usage).toMatchObject({ input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: expect.any(Number) });
      const written = first.usage.cache_creation_input_tokens;
      expect(written).toBeGreaterThan(0);
      const events = parseSse(await (await post(fake, { ...body, stream: true })).text());
      const start = events.find((event) => event.event === 'message_start')!.data as any;
      expect(start.message.usage).toMatchObject({ input_tokens: 0, cache_read_input_tokens: written, cache_creation_input_tokens: 0 });
    } finally {
      await fake.close();
    }
  });
});
