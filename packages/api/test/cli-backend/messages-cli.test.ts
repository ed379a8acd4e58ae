import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, spawnRole, startFakeAnthropic, testRedisUrl, uniquePrefix, type FakeAnthropic, type RoleProcess } from '@llm-gateway/testkit';
import { anthropicClient } from '../helpers/anthropic-client.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * `LLM_BACKEND=cli` behind the Messages front end, in real processes: the official SDK → the
 * gateway → a warm Claude Code session → a fake Anthropic API. Embedded (`pnpm start`) and split
 * (`start:api` + `start:supervisor` on Redis). Text, images and client tools (served to the
 * session over MCP, as for every front end).
 */
describe.each(['embedded', 'split'] as const)('@anthropic-ai/sdk → gateway (cli backend, %s) → Claude Code → fake Anthropic', (topology) => {
  let fake: FakeAnthropic;
  let home: string;
  let processes: RoleProcess[] = [];
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-messages-cli-'));
    const env = {
      LLM_BACKEND: 'cli',
      LLM_POOL_SIZE: '1',
      LLM_MAX_OVERFLOW: '0',
      LLM_REQUEST_TIMEOUT: '20',
      LLM_API_KEYS: 'tenant-key:acme',
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-messages-cli',
      ...(topology === 'split' ? { REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniquePrefix('messages-cli'), LLM_HEARTBEAT_INTERVAL: '0.5' } : {}),
    };
    processes =
      topology === 'embedded'
        ? [await spawnRole('all', 'gateway', env)]
        : await Promise.all([spawnRole('api', 'api', env), spawnRole('supervisor', 'supervisor', env)]);
    const api = processes[0]!;
    await eventually(async () => ((await getJson(`${api.url}/health`)).status === 200 ? true : undefined), {
      timeoutMs: 40_000,
      intervalMs: 100,
      what: 'the gateway to be ready',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processes.map((process) => process.output()).join('\n')}`);
    });
    client = anthropicClient(api.url);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await fake?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('answers messages.create and messages.stream with text', async () => {
    const message = await client.messages.create({ model: 'claude-sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'Hello from messages' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: Hello from messages' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);

    const streamed = await client.messages.stream({ model: 'claude-sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'Stream from messages' }] }).finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'echo: Stream from messages' }]);
  }, 30_000);

  it('sends image blocks on to the upstream', async () => {
    const before = fake.requests.length;
    const message = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 256,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'echo: What is in these?' }]);
    const upstream = fake.requests.slice(before).find((request) => request.path.startsWith('/v1/messages'));
    const content = upstream!.body.messages.find((entry: { role: string }) => entry.role === 'user').content;
    expect(content).toEqual(
      expect.arrayContaining([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ]),
    );
  }, 30_000);

  it('runs a tool round trip on the warm CLI: tool_use out, tool_result back in', async () => {
    // The fake Anthropic API is the model behind Claude Code: it calls the tool the gateway serves
    // to the session over MCP, then answers once the result is back.
    fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city: 'Paris' } }] }, { kind: 'text', text: 'Sunny in Paris.' });
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.messages.create({ model: 'claude-sonnet', max_tokens: 256, tools, messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'Paris' }, id: expect.any(String) });
    const second = await client.messages.create({
      model: 'claude-sonnet',
      max_tokens: 256,
      tools,
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'sunny' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'Sunny in Paris.' }]);
  }, 30_000);
});
