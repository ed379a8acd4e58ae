import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, StreamPart, ToolDefinition } from '@llm-gateway/shared';
import { collectAnswer, type BackendSession } from '../../src/index.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';

const never = () => new AbortController().signal;
const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const clock: ToolDefinition = { name: 'get_time', description: 'The time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const question: ChatMessage = { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] };

/** Names of the tools an upstream request offered. */
const offered = (body: { tools?: Array<{ name: string }> }) => (body.tools ?? []).map((tool) => tool.name);

/**
 * The client's tools on warm sessions of the real CLI, served by the gateway's own MCP server,
 * against the fake Anthropic API: the model's calls come back as OpenAI tool calls under the
 * client's names, and the follow-up with the results is answered from the whole history.
 */
describe.each(['pipe', 'pty'] as const)('client tools on the %s host', (host) => {
  let harness: CliHarness;
  let session: BackendSession;

  beforeAll(async () => {
    harness = await startCliHarness();
    session = harness.backend({ host }).createSession({ id: `tools-${host}` });
    await session.start(AbortSignal.timeout(20_000));
  });

  afterAll(async () => {
    await session?.stop();
    await harness?.close();
  });

  it('returns every call of the message as a tool call under the name the client gave, with streamed arguments', async () => {
    harness.fake.enqueue({
      kind: 'tool_use',
      calls: [
        { name: 'mcp__gw__get_weather', input: { city: 'Paris' } },
        { name: 'mcp__gw__get_weather', input: { city: 'Rome' } },
      ],
    });
    const before = harness.fake.requests.length;
    const parts: StreamPart[] = [];
    for await (const part of session.run({ model: 'claude-sonnet', messages: [question], tools: [weather] }, { signal: never() })) parts.push(part);
    const answer = await collectAnswer((async function* () {
      yield* parts;
    })());
    expect(answer.finishReason).toBe('tool_calls');
    expect(answer.toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: '{"city":"Rome"}' },
    ]);
    expect(parts.filter((part) => part.type === 'tool-call-delta' && part.argumentsDelta !== '').length).toBeGreaterThanOrEqual(2);
    const upstream = harness.fake.requests.slice(before);
    // One upstream call: the turn ends at the model's tool_use, nothing ran on the host.
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.body.tools).toEqual([expect.objectContaining({ name: 'mcp__gw__get_weather', input_schema: expect.objectContaining(weather.parameters!) })]);
    await session.reset();
  });

  it("answers the follow-up from the whole history, the client's results included", async () => {
    harness.fake.enqueue({ kind: 'text', text: 'Sunny in Paris, rainy in Rome.' });
    const before = harness.fake.requests.length;
    const followUp: ChatRequest = {
      model: 'claude-sonnet',
      tools: [weather],
      messages: [
        question,
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: 'sunny, 21 C' },
        { role: 'tool', toolCallId: 'toolu_2', content: 'rain, 14 C' },
      ],
    };
    const answer = await collectAnswer(session.run(followUp, { signal: never() }));
    expect(answer).toMatchObject({ text: 'Sunny in Paris, rainy in Rome.', finishReason: 'stop', toolCalls: [] });
    const prompt = JSON.stringify(harness.fake.requests.slice(before)[0]!.body.messages);
    expect(prompt).toContain('sunny, 21 C');
    expect(prompt).toContain('rain, 14 C');
    await session.reset();
  });

  it('offers each request only its own tools: none without tools or with tool_choice none, the new set after a change', async () => {
    const before = harness.fake.requests.length;
    await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question] }, { signal: never() }));
    await session.reset();
    await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [clock] }, { signal: never() }));
    await session.reset();
    await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [weather, clock], toolChoice: 'none' }, { signal: never() }));
    await session.reset();
    expect(harness.fake.requests.slice(before).map((request) => offered(request.body))).toEqual([[], ['mcp__gw__get_time'], []]);
  });

  it('never shows the MCP prefix in text, even split across deltas', async () => {
    harness.fake.enqueue({ kind: 'text', text: 'I would call mcp__gw__get_weather for that.' });
    const answer = await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [weather] }, { signal: never() }));
    expect(answer.text).toBe('I would call get_weather for that.');
    await session.reset();
  });

  it('asks the model for a tool call when tool_choice requires one', async () => {
    const before = harness.fake.requests.length;
    await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [weather], toolChoice: { name: 'get_weather' } }, { signal: never() }));
    expect(JSON.stringify(harness.fake.requests.slice(before)[0]!.body.messages)).toContain('Answer by calling the tool get_weather.');
    await session.reset();
  });

  it('goes on with the parked turn when the follow-up carries every result: the model gets native tool_results, in the same turn', async () => {
    harness.fake.enqueue(
      { kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city: 'Paris' } }, { name: 'mcp__gw__get_weather', input: { city: 'Rome' } }] },
      { kind: 'text', text: 'Sunny in Paris, rainy in Rome.' },
    );
    const before = harness.fake.requests.length;
    const first = await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [weather] }, { signal: never() }));
    expect(first.finishReason).toBe('tool_calls');
    expect(session.parkedCalls?.()).toEqual(first.toolCalls.map((call) => call.id));
    const followUp: ChatRequest = {
      model: 'claude-sonnet',
      tools: [weather],
      messages: [
        question,
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: first.toolCalls[0]!.id, content: 'sunny, 21 C' },
        { role: 'tool', toolCallId: first.toolCalls[1]!.id, content: 'rain, 14 C' },
      ],
    };
    const answer = await collectAnswer(session.run(followUp, { signal: never() }));
    expect(answer).toMatchObject({ text: 'Sunny in Paris, rainy in Rome.', finishReason: 'stop' });
    expect(answer.usage.promptTokens).toBeGreaterThan(0);
    expect(session.parkedCalls?.()).toEqual([]);
    const upstream = harness.fake.requests.slice(before);
    expect(upstream).toHaveLength(2);
    // The follow-up was not rendered as text: the CLI sent the results as tool_result blocks.
    const results = upstream[1]!.body.messages.flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
      .filter((block: { type: string }) => block.type === 'tool_result');
    expect(results.map((block: { tool_use_id: string }) => block.tool_use_id)).toEqual(first.toolCalls.map((call) => call.id));
    expect(JSON.stringify(results)).toContain('sunny, 21 C');
    expect(JSON.stringify(results)).toContain('rain, 14 C');
    await session.reset();
  });

  it('refuses another conversation while a turn is parked, and a reset stops the parked turn', async () => {
    harness.fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city: 'Oslo' } }] });
    const first = await collectAnswer(session.run({ model: 'claude-sonnet', messages: [question], tools: [weather] }, { signal: never() }));
    expect(session.parkedCalls?.()).toHaveLength(1);
    await expect(collectAnswer(session.run({ model: 'claude-sonnet', messages: [question] }, { signal: never() }))).rejects.toThrow(/parked turn/);
    await session.reset();
    expect(session.parkedCalls?.()).toEqual([]);
    const before = harness.fake.requests.length;
    const next = await collectAnswer(session.run({ model: 'claude-sonnet', messages: [{ role: 'user', content: [{ type: 'text', text: 'fresh' }] }] }, { signal: never() }));
    expect(next.text).toBe('echo: fresh');
    expect(JSON.stringify(harness.fake.requests.slice(before)[0]!.body.messages)).not.toContain(first.toolCalls[0]!.id);
    await session.reset();
  });
});

/** `response_format` on warm sessions of the real CLI: the answer comes through a tool of ours, and is checked. */
describe('JSON output on the cli backend', () => {
  let harness: CliHarness;
  let session: BackendSession;
  const person = { type: 'json_schema' as const, name: 'person', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] } };
  const ask = (text: string, responseFormat: ChatRequest['responseFormat']): ChatRequest => ({
    model: 'claude-sonnet',
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    responseFormat,
  });

  beforeAll(async () => {
    harness = await startCliHarness();
    session = harness.backend().createSession({ id: 'json' });
    await session.start(AbortSignal.timeout(20_000));
  });

  afterAll(async () => {
    await session?.stop();
    await harness?.close();
  });

  it("answers with the answer tool's input, valid against the schema, streamed as text", async () => {
    harness.fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__json_response', input: { name: 'Ada', age: 36 } }] });
    const before = harness.fake.requests.length;
    const answer = await collectAnswer(session.run(ask('Who wrote the first program?', person), { signal: never() }));
    expect(answer).toMatchObject({ finishReason: 'stop', toolCalls: [] });
    expect(JSON.parse(answer.text)).toEqual({ name: 'Ada', age: 36 });
    const [upstream] = harness.fake.requests.slice(before);
    expect(upstream!.body.tools).toEqual([expect.objectContaining({ name: 'mcp__gw__json_response', input_schema: expect.objectContaining({ required: ['name'] }) })]);
    expect(JSON.stringify(upstream!.body.messages)).toContain('Answer only by calling the tool json_response');
    await session.reset();
  });

  it('takes a text answer that is JSON, fenced or not, as the answer', async () => {
    harness.fake.enqueue({ kind: 'text', text: '```json\n{"name":"Grace"}\n```' });
    const answer = await collectAnswer(session.run(ask('Another?', person), { signal: never() }));
    expect(JSON.parse(answer.text)).toEqual({ name: 'Grace' });
    await session.reset();
  });

  it('fails with a clear error rather than return JSON that does not match, or no JSON at all', async () => {
    harness.fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__json_response', input: { age: 'old' } }] });
    await expect(collectAnswer(session.run(ask('Who?', person), { signal: never() }))).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringMatching(/does not satisfy response_format: the answer does not match the schema/),
    });
    await session.reset();
    harness.fake.enqueue({ kind: 'text', text: 'I would rather not.' });
    await expect(collectAnswer(session.run(ask('Who?', { type: 'json_object' }), { signal: never() }))).rejects.toMatchObject({
      message: expect.stringMatching(/not JSON/),
    });
    await session.reset();
  });
});

