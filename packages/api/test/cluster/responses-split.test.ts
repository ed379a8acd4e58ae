import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, spawnRole, testRedisUrl, uniquePrefix, type RoleProcess } from '@llm-gateway/testkit';

setTracingDisabled(true);

/**
 * Split mode as deployed: an API process (`LLM_ROLE=api`) and a supervisor process on Redis, mock
 * backend, with the official clients: the openai client's Responses API and an `@openai/agents`
 * run that calls a tool.
 */
describe('the Responses API split into an API process and a supervisor process', () => {
  let processes: RoleProcess[] = [];
  let client: OpenAI;

  beforeAll(async () => {
    const env = {
      LLM_BACKEND: 'mock',
      LLM_POOL_SIZE: '2',
      LLM_REQUEST_TIMEOUT: '10',
      LLM_HEARTBEAT_INTERVAL: '0.25',
      LLM_SHUTDOWN_GRACE: '1',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: uniquePrefix('responses-split'),
    };
    processes = await Promise.all([spawnRole('api', 'api', env), spawnRole('supervisor', 'supervisor', env)]);
    const api = processes[0]!;
    await eventually(
      async () => {
        const { status, body } = await getJson<{ supervisors: number }>(`${api.url}/health`);
        return status === 200 && body.supervisors === 1 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the API to see its supervisor' },
    );
    client = new OpenAI({ baseURL: `${api.url}/v1`, apiKey: 'not-required', maxRetries: 0, timeout: 10_000 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
  });

  it('creates and streams responses', async () => {
    const response = await client.responses.create({ model: 'claude-sonnet', input: 'Hello!' });
    expect(response.output_text).toBe('This is a mock response to: Hello!');
    const final = await client.responses.stream({ model: 'claude-sonnet', input: 'Stream please' }).finalResponse();
    expect(final.output_text).toBe('This is a mock response to: Stream please');
  });

  it('runs an agent that calls a tool', async () => {
    const calls: string[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
      strict: true,
      execute: async (input) => {
        calls.push((input as { location: string }).location);
        return 'sunny';
      },
    });
    const agent = new Agent({ name: 'forecaster', model: 'claude-sonnet', tools: [getWeather] });
    const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: true }), tracingDisabled: true });
    const result = await runner.run(agent, 'Weather? [mock:tool=get_weather]', { maxTurns: 3 });
    expect(calls).toEqual(['Paris']);
    expect(result.finalOutput).toBe('The tools answered: sunny');
  });
});
