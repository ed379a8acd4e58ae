import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, isStepCount, Output, streamText, tool, type LanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLIENT_TARGETS, PNG_BASE64, startClientGateway, upstreamBlocks, expectResultsUpstream, type ClientGateway } from '../helpers/client-gateway.ts';

/**
 * The Vercel AI SDK (`ai` 7 with `@ai-sdk/openai-compatible`, the chat completions dialect) against
 * the gateway: the same client code on every backend and topology. The fakes behind `cli` and
 * `api` (and the mock itself) call an offered tool once and then answer from its result, so the
 * SDK's tool loop runs a tool step and an answer step.
 */
describe.each(CLIENT_TARGETS)('the AI SDK on the %s backend (%s)', (backend, topology) => {
  let gateway: ClientGateway;
  let model: LanguageModel;
  const calls: string[] = [];
  const weather = tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city);
      return `sunny, 21 C in ${city}`;
    },
  });

  beforeAll(async () => {
    gateway = await startClientGateway(`ai-sdk-${backend}-${topology}`, backend, topology);
    const provider = createOpenAICompatible({ name: 'llm-gateway', baseURL: gateway.baseURL, apiKey: 'not-required', supportsStructuredOutputs: true, includeUsage: true });
    model = provider.chatModel('claude-sonnet');
  }, 90_000);

  afterAll(() => gateway?.close());

  it('runs a client-executed tool over several steps with generateText', async () => {
    calls.length = 0;
    const before = gateway.fake?.requests.length ?? 0;
    const result = await generateText({ model, tools: { get_weather: weather }, stopWhen: isStepCount(5), prompt: 'What is the weather in Paris?', maxRetries: 0 });
    expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    expect(calls).toHaveLength(1);
    expect(result.steps[0]!.toolCalls.map((call) => call.toolName)).toEqual(['get_weather']);
    // The answer is made from the tool's result, which only the client knew.
    expect(result.text).toContain(`sunny, 21 C in ${calls[0]}`);
    expect(result.totalUsage.inputTokens).toBeGreaterThan(0);
    // Upstream: the tool step, then the follow-up carrying the client's result.
    expectResultsUpstream(gateway, before + 1, `sunny, 21 C in ${calls[0]}`, topology);
  }, 60_000);

  it('runs the same tool loop streamed with streamText', async () => {
    calls.length = 0;
    const result = streamText({ model, tools: { get_weather: weather }, stopWhen: isStepCount(5), prompt: 'And the weather in Rome?', maxRetries: 0 });
    let text = '';
    const toolInputs: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'tool-call') toolInputs.push(JSON.stringify(part.input));
      if (part.type === 'error') throw part.error;
    }
    expect(calls).toHaveLength(1);
    expect(toolInputs).toEqual([JSON.stringify({ city: calls[0] })]);
    expect(text).toContain(`sunny, 21 C in ${calls[0]}`);
    expect(await result.text).toBe(text);
    expect((await result.steps).length).toBe(2);
    // Usage comes in the stream's last chunk (stream_options.include_usage).
    expect((await result.totalUsage).inputTokens).toBeGreaterThan(0);
  }, 60_000);

  it('answers JSON output that is valid against its schema (Output.object)', async () => {
    const schema = z.object({ city: z.string(), temperature: z.number(), tags: z.array(z.string()) });
    const result = await generateText({ model, output: Output.object({ schema }), prompt: 'The weather in Oslo as JSON.', maxRetries: 0 });
    // The SDK parses and validates the answer itself; the schema check here says so again.
    expect(schema.safeParse(result.output).success).toBe(true);
    expect(JSON.parse(result.text)).toEqual(result.output);
  }, 60_000);

  it('streams JSON output that is valid against its schema (streamText with Output.object)', async () => {
    const schema = z.object({ city: z.string(), temperature: z.number() });
    const result = streamText({ model, output: Output.object({ schema }), prompt: 'The weather in Oslo as JSON.', maxRetries: 0 });
    let streamed = '';
    for await (const delta of result.textStream) streamed += delta;
    const output = await result.output;
    expect(schema.safeParse(output).success).toBe(true);
    expect(JSON.parse(streamed)).toEqual(output);
  }, 60_000);

  it('sends an image part on to the upstream as an image block', async () => {
    const before = gateway.fake?.requests.length ?? 0;
    const result = await generateText({
      model,
      maxRetries: 0,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'file', data: Buffer.from(PNG_BASE64, 'base64'), mediaType: 'image/png' }] }],
    });
    expect(result.text).toContain('What is in this picture?');
    if (gateway.fake) {
      const images = upstreamBlocks(gateway, before).filter((block) => block.type === 'image');
      expect(images).toEqual([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } }]);
    }
  }, 60_000);
});
