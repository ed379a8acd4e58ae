import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCallingReply } from '@llm-gateway/testkit';
import { startCliGateway, type CliGateway } from '../helpers/cli-gateway.ts';

// Traces would go to OpenAI's servers: none leave a test.
setTracingDisabled(true);

/**
 * `@openai/agents` on the cli backend: `pnpm start` on the real CLI, whose fake Anthropic API calls
 * the tool it is offered and answers from its result. The agent's follow-up goes on with the turn
 * parked on the warm session.
 */
describe('@openai/agents running a tool on the cli backend', () => {
  let gateway: CliGateway;
  let runner: Runner;
  const calls: string[] = [];
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
    strict: true,
    execute: async (input) => {
      const { location } = input as { location: string };
      calls.push(location);
      return `sunny in ${location}`;
    },
  });
  const agent = new Agent({ name: 'forecaster', instructions: 'Use the tool.', model: 'claude-sonnet', tools: [getWeather] });

  beforeAll(async () => {
    gateway = await startCliGateway('agents-cli', { fake: { defaultReply: toolCallingReply } });
    const client = new OpenAI({ baseURL: `${gateway.api.url}/v1`, apiKey: 'not-required', maxRetries: 0, timeout: 30_000 });
    runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: true }), tracingDisabled: true });
  }, 60_000);

  afterAll(() => gateway?.close());

  it('runs the tool and answers with its result, plain and streamed', async () => {
    const result = await runner.run(agent, 'Weather in Paris?', { maxTurns: 3 });
    expect(calls).toEqual(['Paris']);
    expect(result.finalOutput).toBe('From the tools: sunny in Paris');
    const streamed = await runner.run(agent, 'And now?', { maxTurns: 3, stream: true });
    let text = '';
    for await (const delta of streamed.toTextStream()) text += delta;
    await streamed.completed;
    expect(calls).toEqual(['Paris', 'Paris']);
    expect(text).toBe('From the tools: sunny in Paris');
  }, 60_000);
});
