import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '@llm-gateway/testkit';
import { serveGateway, type ServedGateway } from '../helpers/served-gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';
import { redisGateway } from '../helpers/redis-gateway.ts';

// Traces would go to OpenAI's servers with the gateway's key: none leave a test.
setTracingDisabled(true);

/**
 * `@openai/agents` (Responses API, via the official openai client) against the gateway: an
 * agent calls a function tool, the SDK runs it and sends its result back, the model answers.
 */
describe.each([
  ['embedded', 'mock', inProcessGateway],
  ['embedded', 'api', inProcessGateway],
  ['redis', 'mock', redisGateway],
  ['redis', 'api', redisGateway],
] as const)('@openai/agents running a tool (%s, %s backend)', (_mode, backend, factory) => {
  let fake: FakeAnthropic;
  let served: ServedGateway;
  let runner: Runner;
  const calls: string[] = [];
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
      additionalProperties: false,
    },
    strict: true,
    execute: async (input) => {
      const { location } = input as { location: string };
      calls.push(location);
      return `sunny in ${location}`;
    },
  });
  const agent = new Agent({ name: 'forecaster', instructions: 'Use the tool.', model: 'claude-sonnet', tools: [getWeather] });
  const question = 'Weather in Paris? [mock:tool=get_weather]';

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    served = await serveGateway(
      { LLM_BACKEND: backend, LLM_REQUEST_TIMEOUT: '5', ANTHROPIC_API_KEY: 'sk-ant-agents', ANTHROPIC_BASE_URL: fake.url },
      { factory },
    );
    runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: served.client, useResponses: true }), tracingDisabled: true });
  });
  afterAll(async () => {
    await served?.close();
    await fake?.close();
  });
  /** On the api backend, the fake model calls the tool, then answers. */
  const enqueueToolTurn = () => {
    if (backend !== 'api') return;
    fake.enqueue({ kind: 'tool_use', calls: [{ id: 'toolu_a', name: 'get_weather', input: { location: 'Paris' } }] });
    fake.enqueue({ kind: 'text', text: 'It is sunny in Paris.' });
  };
  beforeEach(() => {
    calls.length = 0;
    fake.requests.length = 0;
  });

  // The mock answers a tool's result from it, as a model would.
  const expectedAnswer = backend === 'mock' ? 'The tools answered: sunny in Paris' : 'It is sunny in Paris.';

  it('runs the tool and answers with its result', async () => {
    enqueueToolTurn();
    const result = await runner.run(agent, question, { maxTurns: 3 });
    expect(calls).toEqual(['Paris']);
    expect(result.finalOutput).toBe(expectedAnswer);
    if (backend === 'api') {
      expect(fake.requests).toHaveLength(2);
      expect(JSON.stringify(fake.requests[1]!.body)).toContain('sunny in Paris');
    }
  });

  it('runs the tool in a streamed run', async () => {
    enqueueToolTurn();
    const result = await runner.run(agent, question, { maxTurns: 3, stream: true });
    let text = '';
    for await (const event of result.toTextStream()) text += event;
    await result.completed;
    expect(calls).toEqual(['Paris']);
    expect(result.finalOutput).toBe(expectedAnswer);
    expect(text).toBe(expectedAnswer);
  });

  it('chains its turns with previous_response_id, sending only what is new', async () => {
    const first = await runner.run(agent, 'My name is Ann.', { maxTurns: 3 });
    // Offered a tool, the mock calls it once for any question (with a sample argument).
    calls.length = 0;
    enqueueToolTurn();
    const second = await runner.run(agent, question, { maxTurns: 3, previousResponseId: first.lastResponseId! });
    expect(calls).toEqual(['Paris']);
    expect(second.finalOutput).toBe(expectedAnswer);
    if (backend === 'api') {
      // The last call sent only the tool's output: the gateway put the stored turns before it.
      expect(fake.requests.at(-1)!.body).toMatchObject({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'My name is Ann.' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'echo: My name is Ann.' }] },
          { role: 'user', content: [{ type: 'text', text: question }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'get_weather' }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a' }] },
        ],
      });
    }
  });
});
