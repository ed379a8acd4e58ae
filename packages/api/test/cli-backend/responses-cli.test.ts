import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliGateway, type CliGateway } from '../helpers/cli-gateway.ts';

/**
 * The openai client's Responses API on the cli backend: real gateway processes, the real
 * `claude` CLI in the session pool, a fake Anthropic API behind it. Embedded (one process) and
 * split (an API process and a supervisor process on Redis): text, function calls and JSON output.
 */
describe.each(['embedded', 'split'] as const)('openai responses on the cli backend (%s)', (mode) => {
  let gateway: CliGateway;
  let client: OpenAI;
  const fake = () => gateway.fake;

  beforeAll(async () => {
    gateway = await startCliGateway('responses-cli', { topology: mode });
    client = new OpenAI({ baseURL: `${gateway.api.url}/v1`, apiKey: 'not-required', maxRetries: 0, timeout: 30_000 });
  }, 60_000);

  afterAll(() => gateway?.close());

  it('creates a response', async () => {
    fake().enqueue({ kind: 'text', text: 'Hello from the CLI.' });
    const response = await client.responses.create({ model: 'claude-sonnet', input: 'Say hello' });
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello from the CLI.');
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('streams a response', async () => {
    fake().enqueue({ kind: 'text', text: 'one two three four' });
    const stream = client.responses.stream({ model: 'claude-sonnet', input: 'Count to four' });
    let deltas = '';
    stream.on('response.output_text.delta', (event) => {
      deltas += event.delta;
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('one two three four');
    expect(deltas).toBe(final.output_text);
  });

  it('runs a function-call round trip and answers JSON output, on the warm CLI', async () => {
    fake().enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__get_weather', input: { location: 'Paris' } }] }, { kind: 'text', text: 'Sunny in Paris.' });
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] }, strict: false }];
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.responses.create({ model: 'claude-sonnet', input, tools });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function call');
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ location: 'Paris' });
    input.push(call, { type: 'function_call_output', call_id: call.call_id, output: 'sunny' });
    const second = await client.responses.create({ model: 'claude-sonnet', input, tools });
    expect(second.output_text).toBe('Sunny in Paris.');
    fake().enqueue({ kind: 'tool_use', calls: [{ name: 'mcp__gw__json_response', input: { sky: 'clear' } }] });
    const json = await client.responses.create({ model: 'claude-sonnet', input: 'The sky?', text: { format: { type: 'json_object' } } });
    expect(JSON.parse(json.output_text)).toEqual({ sky: 'clear' });
  });
});
