import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLIENT_TARGETS, startClientGateway, expectResultsUpstream, type ClientGateway } from '../helpers/client-gateway.ts';

/**
 * LangChain's `ChatOpenAI` (`@langchain/openai` 1.6, chat completions) against the gateway: the
 * same client code on every backend and topology. A bound tool is called, the app runs it and
 * sends a `ToolMessage`, and the model answers from it; plain, streamed, and structured output.
 */
describe.each(CLIENT_TARGETS)('LangChain ChatOpenAI on the %s backend (%s)', (backend, topology) => {
  let gateway: ClientGateway;
  let chat: ChatOpenAI;
  const weather = tool(async ({ city }: { city: string }) => `cloudy, 14 C in ${city}`, {
    name: 'get_weather',
    description: 'The weather in a city',
    schema: z.object({ city: z.string() }),
  });

  beforeAll(async () => {
    gateway = await startClientGateway(`langchain-${backend}-${topology}`, backend, topology);
    chat = new ChatOpenAI({ model: 'claude-sonnet', apiKey: 'not-required', maxRetries: 0, timeout: 30_000, configuration: { baseURL: gateway.baseURL } });
  }, 90_000);

  afterAll(() => gateway?.close());

  /** One round trip: the model's tool call, the app's ToolMessage, the model's answer. */
  async function roundTrip(invoke: (messages: BaseMessage[]) => Promise<AIMessage | AIMessageChunk>) {
    const messages: BaseMessage[] = [new HumanMessage('What is the weather in Lisbon?')];
    const call = await invoke(messages);
    expect(call.usage_metadata?.output_tokens).toBeGreaterThan(0);
    expect(call.tool_calls?.map((toolCall) => toolCall.name)).toEqual(['get_weather']);
    const toolCall = call.tool_calls![0]!;
    expect(typeof toolCall.args.city).toBe('string');
    expect(toolCall.id).toBeTruthy();
    const result: ToolMessage = await weather.invoke(toolCall);
    expect(result).toBeInstanceOf(ToolMessage);
    const before = gateway.fake?.requests.length ?? 0;
    const answer = await invoke([...messages, call, result]);
    expect(answer.tool_calls ?? []).toEqual([]);
    expect(answer.text).toContain(`cloudy, 14 C in ${toolCall.args.city}`);
    expectResultsUpstream(gateway, before, `cloudy, 14 C in ${toolCall.args.city}`, topology);
  }

  it('calls a bound tool, then answers the ToolMessage follow-up', async () => {
    const withTools = chat.bindTools([weather]);
    await roundTrip((messages) => withTools.invoke(messages));
  }, 60_000);

  it('streams the tool call and the answer', async () => {
    const withTools = chat.bindTools([weather]);
    await roundTrip(async (messages) => {
      let merged: AIMessageChunk | undefined;
      let chunks = 0;
      for await (const chunk of await withTools.stream(messages)) {
        merged = merged ? merged.concat(chunk) : chunk;
        chunks += 1;
      }
      expect(chunks).toBeGreaterThan(1);
      // LangChain asks for usage in the stream (stream_options.include_usage) and merges it in.
      expect(merged!.usage_metadata?.input_tokens).toBeGreaterThan(0);
      return merged!;
    });
  }, 60_000);

  // `jsonSchema` (the default here) sends response_format json_schema; `functionCalling` a forced
  // tool. (`jsonMode` sends json_object, which carries no schema for a backend to honour.)
  it.each(['jsonSchema', 'functionCalling'] as const)('answers withStructuredOutput (%s) valid against its schema', async (method) => {
    const schema = z.object({ city: z.string(), temperature: z.number(), windy: z.boolean() });
    const structured = chat.withStructuredOutput(schema, { method, name: 'forecast', includeRaw: true });
    const { raw, parsed } = await structured.invoke('The forecast for Oslo.');
    expect(schema.safeParse(parsed).success).toBe(true);
    // The raw answer says which way it came: JSON text, or the forced tool's call.
    if (method === 'jsonSchema') expect(JSON.parse(String(raw.content))).toEqual(parsed);
    else expect((raw as AIMessage).tool_calls?.map((call) => call.name)).toEqual(['forecast']);
  }, 60_000);
});
