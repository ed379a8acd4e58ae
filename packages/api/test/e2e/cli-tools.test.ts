import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import { eventually, startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

/** The tool_result blocks of an upstream request: present only when the CLI resumed its own turn. */
function toolResults(body: { messages: Array<{ content: unknown }> }): Array<{ tool_use_id: string; content: unknown }> {
  return body.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : [])).filter((block) => block.type === 'tool_result');
}

/**
 * The official `openai` client against `pnpm start` on the real CLI (the fake Anthropic API
 * behind it): a function-calling round trip, where the follow-up goes on with the turn the
 * first request left parked on the same warm session.
 */
describe('client tools on the cli backend, through the gateway', () => {
  let fake: FakeAnthropic;
  let home: string;
  let gateway: GatewayProcess;
  let client: OpenAI;
  const sessions = async () => ((await (await fetch(`${gateway.url}/sessions`)).json()) as { sessions: SessionInfo[] }).sessions;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-cli-tools-'));
    gateway = await spawnGateway({
      LLM_BACKEND: 'cli',
      LLM_POOL_SIZE: '1',
      LLM_MAX_OVERFLOW: '1',
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-tools-test',
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 20_000 });
    await eventually(async () => ((await sessions()).some((session) => session.status === 'ready') ? true : undefined), { timeoutMs: 20_000, what: 'a ready CLI session' });
  }, 30_000);

  afterAll(async () => {
    await gateway?.kill();
    await fake?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('returns parallel tool calls, parks the turn, and answers the follow-up on the same session with native tool results', async () => {
    fake.enqueue(
      { kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city: 'Paris' } }, { name: 'mcp__gw__get_weather', input: { city: 'Rome' } }] },
      { kind: 'text', text: 'Sunny in Paris, rainy in Rome.' },
    );
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
    const first = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : null))).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Rome' }],
    ]);
    const [parked] = await sessions();
    expect(parked).toMatchObject({ status: 'parked' });

    messages.push(choice.message, ...calls.map((call, index): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: call.id, content: index === 0 ? 'sunny' : 'rain' })));
    const before = fake.requests.length;
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Sunny in Paris, rainy in Rome.');
    const upstream = fake.requests.slice(before);
    expect(upstream).toHaveLength(1);
    expect(toolResults(upstream[0]!.body).map((block) => block.tool_use_id)).toEqual(calls.map((call) => call.id));
    // The same warm session served both, and is free again.
    await expect.poll(async () => (await sessions()).map((session) => [session.id, session.status]), { timeout: 5_000 }).toEqual([[parked!.id, 'ready']]);
  });

  it('streams tool-call deltas the openai client assembles, and serves a follow-up whose turn is gone from its history', async () => {
    fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city: 'Oslo' } }] });
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const stream = client.chat.completions.stream({ model: 'claude-sonnet', messages, tools });
    const final = await stream.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const call = message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toMatchObject({ name: 'get_weather', arguments: '{"city":"Oslo"}' });

    // A follow-up that answers a different call than the parked one: served from the history.
    fake.enqueue({ kind: 'text', text: 'Snow in Oslo.' });
    const before = fake.requests.length;
    const answer = await client.chat.completions.create({
      model: 'claude-sonnet',
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_elsewhere', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_elsewhere', content: 'snow' },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe('Snow in Oslo.');
    const [upstream] = fake.requests.slice(before);
    expect(toolResults(upstream!.body)).toEqual([]);
    expect(JSON.stringify(upstream!.body.messages)).toContain('snow');
  });
});
