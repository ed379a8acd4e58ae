import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInfo } from '@llm-gateway/shared';
import { eventually, spawnRole, startFakeAnthropic, testRedisUrl, uniquePrefix, type FakeAnthropic, type RoleProcess } from '@llm-gateway/testkit';
import { sessionsOf } from './cluster-harness.ts';

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

/** The tool_result blocks of an upstream request: present only when the CLI resumed its own parked turn. */
function toolResults(body: { messages: Array<{ content: unknown }> }): Array<{ tool_use_id: string }> {
  return body.messages.flatMap((message) => (Array.isArray(message.content) ? message.content : [])).filter((block) => block.type === 'tool_result');
}

const TOOL_RESULT_TIMEOUT_S = 3;

/**
 * Split mode on the real CLI: one API process and two supervisors (`start:supervisor`) on the
 * test's Redis, the fake Anthropic API behind them, the official openai client in front. A turn
 * that ends in tool calls parks on one supervisor; its follow-up must reach that supervisor (the
 * upstream then receives native tool_result blocks continuing the turn), and when the turn is
 * gone (timeout, holder killed) it is answered from its history, on whichever supervisor is left.
 */
describe('parked tool turns in split mode, two supervisors', () => {
  let fake: FakeAnthropic;
  let home: string;
  let api: RoleProcess;
  let supervisors: RoleProcess[] = [];
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    home = await mkdtemp(join(tmpdir(), 'llm-gateway-parked-split-'));
    const env = {
      LLM_BACKEND: 'cli',
      LLM_POOL_SIZE: '1',
      LLM_MAX_OVERFLOW: '1',
      LLM_REQUEST_TIMEOUT: '30',
      LLM_SHUTDOWN_GRACE: '1',
      LLM_HEARTBEAT_INTERVAL: '0.5',
      LLM_TOOL_RESULT_TIMEOUT: String(TOOL_RESULT_TIMEOUT_S),
      HOME: home,
      CLAUDE_CONFIG_DIR: join(home, '.claude'),
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'sk-ant-parked-split',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix('parked-split'),
    };
    [api, ...supervisors] = await Promise.all([
      spawnRole('api', 'api', env),
      ...['sup-a', 'sup-b'].map((name) => spawnRole('supervisor', name, { ...env, LLM_SUPERVISOR_ID: name })),
    ]);
    client = new OpenAI({ baseURL: `${api.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 25_000 });
    await eventually(
      async () => {
        const ready = (await sessionsOf(api.url)).filter((session) => session.status === 'ready');
        return new Set(ready.map((session) => session.supervisor)).size === 2 ? true : undefined;
      },
      { timeoutMs: 40_000, what: 'a ready CLI session on each supervisor' },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${[api, ...supervisors].map((process) => `--- ${process.name}\n${process.output()}`).join('\n')}`);
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([api, ...supervisors].filter(Boolean).map((process) => process.stop()));
    await fake?.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Asks for the weather in `city`: the model calls the tool; resolves with the conversation so far and the parked session. */
  async function parkTurn(city: string): Promise<{ messages: ChatCompletionMessageParam[]; callIds: string[]; parked: SessionInfo }> {
    fake.enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { city } }] });
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: `Weather in ${city}?` }];
    const first = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = choice.message.tool_calls ?? [];
    messages.push(choice.message, ...calls.map((call): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: call.id, content: `sunny in ${city}` })));
    // The record is published again as the session parks, not a heartbeat later.
    const parked = await eventually(async () => (await sessionsOf(api.url)).find((session) => session.status === 'parked'), {
      timeoutMs: 5_000,
      what: 'the parked session in the API’s /sessions',
      intervalMs: 20,
    });
    return { messages, callIds: calls.map((call) => call.id), parked };
  }

  it('sends every follow-up to the supervisor holding its turn, which resumes it with native tool results', async () => {
    const holders = new Set<string>();
    // Four rounds: were follow-ups placed by chance, each would reach the holder one time in two.
    for (const city of ['Paris', 'Rome', 'Oslo', 'Lima']) {
      const { messages, callIds, parked } = await parkTurn(city);
      holders.add(parked.supervisor);
      fake.enqueue({ kind: 'text', text: `It is sunny in ${city}.` });
      const before = fake.requests.length;
      const answer = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
      expect(answer.choices[0]!.message.content).toBe(`It is sunny in ${city}.`);
      const upstream = fake.requests.slice(before);
      expect(upstream).toHaveLength(1);
      expect(toolResults(upstream[0]!.body).map((block) => block.tool_use_id)).toEqual(callIds);
      await expect
        .poll(async () => (await sessionsOf(api.url)).find((session) => session.id === parked.id)?.status, { timeout: 5_000 })
        .toBe('ready');
    }
    expect(holders.size).toBeGreaterThanOrEqual(1);
  });

  it('answers a follow-up that comes after the park timeout from its history', async () => {
    const { messages, parked } = await parkTurn('Quito');
    await eventually(
      async () => ((await sessionsOf(api.url)).find((session) => session.id === parked.id)?.status === 'ready' ? true : undefined),
      { timeoutMs: TOOL_RESULT_TIMEOUT_S * 1000 + 10_000, what: 'the parked session to be reset after the timeout', intervalMs: 100 },
    );
    fake.enqueue({ kind: 'text', text: 'Quito is sunny.' });
    const before = fake.requests.length;
    const answer = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
    expect(answer.choices[0]!.message.content).toBe('Quito is sunny.');
    const [upstream] = fake.requests.slice(before);
    expect(toolResults(upstream!.body)).toEqual([]);
    expect(JSON.stringify(upstream!.body.messages)).toContain('sunny in Quito');
  }, 30_000);

  it('answers the follow-up from its history on the other supervisor when the holder is killed while parked', async () => {
    const { messages, parked } = await parkTurn('Cairo');
    const holder = supervisors.find((supervisor) => supervisor.name === parked.supervisor)!;
    const survivor = supervisors.find((supervisor) => supervisor !== holder)!;
    const holderPids = (await sessionsOf(holder.url)).map((session) => session.pid).filter((pid): pid is number => typeof pid === 'number');
    await holder.kill();
    // Sent at once: the holder's registry record outlives it by up to 3 heartbeats, so the
    // follow-up is sent to the dead holder's list and must be taken back from there.
    fake.enqueue({ kind: 'text', text: 'Cairo is sunny.' });
    const before = fake.requests.length;
    const answer = await client.chat.completions.create({ model: 'claude-sonnet', messages, tools });
    expect(answer.choices[0]!.message.content).toBe('Cairo is sunny.');
    const upstream = fake.requests.slice(before);
    expect(upstream).toHaveLength(1);
    expect(toolResults(upstream[0]!.body)).toEqual([]);
    expect(JSON.stringify(upstream[0]!.body.messages)).toContain('sunny in Cairo');
    // It had gone to the dead holder's own list, and the API took it back from there (the log
    // line may still sit in the API's log buffer).
    await eventually(async () => (api.output().includes('the supervisor holding the parked turn is gone') ? true : undefined), {
      timeoutMs: 10_000,
      what: `the API to log that it took the follow-up back:\n${api.output()}`,
    });
    const served = await sessionsOf(survivor.url);
    expect(served.reduce((sum, session) => sum + session.requests, 0)).toBeGreaterThan(0);
    expect(survivor.alive()).toBe(true);
    // The killed supervisor's CLI processes do not outlive it.
    await eventually(async () => (holderPids.every((pid) => !existsSync(`/proc/${pid}`)) ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the killed supervisor’s CLI processes to exit',
    });
  }, 40_000);
});
