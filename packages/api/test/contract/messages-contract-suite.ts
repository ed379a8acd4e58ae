import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { sseEvents } from '../helpers/sse.ts';
import type { GatewayFactory } from '../helpers/test-gateway.ts';

const hello = { model: 'claude-sonnet', max_tokens: 256, messages: [{ role: 'user', content: 'Hello!' }] };
const say = (text: string, extra: Record<string, unknown> = {}) => ({ ...hello, messages: [{ role: 'user', content: text }], ...extra });

/**
 * The Anthropic Messages contract, run against every dispatcher: whatever carries the job, a
 * client sees Anthropic's shapes, events and error statuses.
 */
export function defineMessagesContractSuite(name: string, factory: GatewayFactory): void {
  describe(`Messages API contract (${name})`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await factory();
    });
    afterAll(async () => {
      await gateway?.close();
    });

    const post = (body: unknown, path = '/v1/messages', headers: Record<string, string> = {}) =>
      gateway.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    async function expectError(response: Response, status: number, type: string) {
      expect(response.status).toBe(status);
      const body = (await response.json()) as { type: string; error: { type: string; message: string } };
      expect(body).toEqual({ type: 'error', error: { type, message: expect.any(String) } });
      expect(body.error.message.length).toBeGreaterThan(0);
    }

    it('answers with a Message', async () => {
      const response = await post(hello);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: expect.stringMatching(/^msg_/),
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet',
        content: [{ type: 'text', text: 'This is a mock response to: Hello!' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
      });
    });

    it('takes system blocks, content blocks, tool history, beta fields and ?beta=true', async () => {
      const response = await post(
        {
          ...hello,
          system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
          ],
          tools: [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
          tool_choice: { type: 'auto' },
          thinking: { type: 'enabled', budget_tokens: 1024 },
          metadata: { user_id: 'user-1' },
          context_management: { edits: [] },
          output_config: { effort: 'high' },
        },
        '/v1/messages?beta=true',
        { 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
      );
      expect(response.status).toBe(200);
      // The mock answers a conversation ending in tool results from them, as a model would.
      expect(((await response.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe('The tools answered: sunny');
    });

    it('stops at max_tokens with stop_reason max_tokens', async () => {
      const body = (await (await post({ ...hello, max_tokens: 2 })).json()) as { stop_reason: string; usage: { output_tokens: number } };
      expect(body.stop_reason).toBe('max_tokens');
      expect(body.usage.output_tokens).toBe(2);
    });

    it('answers a tool call as a tool_use block', async () => {
      const body = (await (await post(say('[mock:tool=get_weather]'))).json()) as { content: unknown[]; stop_reason: string };
      expect(body.stop_reason).toBe('tool_use');
      expect(body.content).toContainEqual({ type: 'tool_use', id: 'call_mock_get_weather', name: 'get_weather', input: expect.any(Object) });
    });

    it('streams the event sequence: message_start, ping, one text block, message_delta with usage, message_stop', async () => {
      const response = await post({ ...hello, stream: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = sseEvents(await response.text());
      const names = events.map((event) => event.event);
      expect(names.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
      expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      expect(new Set(names.slice(3, -3))).toEqual(new Set(['content_block_delta']));
      expect(events.every((event) => event.data.type === event.event)).toBe(true);
      expect(events[0]!.data.message).toMatchObject({ id: expect.stringMatching(/^msg_/), role: 'assistant', content: [], model: 'claude-sonnet' });
      const text = events.filter((event) => event.event === 'content_block_delta').map((event) => event.data.delta.text).join('');
      expect(text).toBe('This is a mock response to: Hello!');
      const delta = events.at(-2)!.data;
      expect(delta.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
      expect(delta.usage.output_tokens).toBeGreaterThan(0);
      expect(delta.usage.input_tokens).toBeGreaterThan(0);
    });

    it('streams a tool call as a tool_use block of input_json_delta', async () => {
      const events = sseEvents(await (await post(say('[mock:tool=get_weather]', { stream: true }))).text());
      const start = events.find((event) => event.event === 'content_block_start' && event.data.content_block.type === 'tool_use');
      expect(start!.data.content_block).toEqual({ type: 'tool_use', id: 'call_mock_get_weather', name: 'get_weather', input: {} });
      const json = events
        .filter((event) => event.event === 'content_block_delta' && event.data.index === start!.data.index)
        .map((event) => event.data.delta.partial_json)
        .join('');
      expect(() => JSON.parse(json)).not.toThrow();
      expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    });

    it('ends a stream that fails midway with one error event', async () => {
      const events = sseEvents(await (await post(say('one two three four [mock:fail-after=2]', { stream: true }))).text());
      expect(events.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: expect.any(String) } } });
      expect(events.map((event) => event.event)).not.toContain('message_stop');
    });

    it("answers failures in Anthropic's shape and statuses, 529 included", async () => {
      await expectError(await post(say('[mock:error=overloaded]')), 529, 'overloaded_error');
      await expectError(await post(say('[mock:error=overloaded]', { stream: true })), 529, 'overloaded_error');
      await expectError(await post(say('[mock:error=upstream_error]')), 500, 'api_error');
      await expectError(await post(say('[mock:error=rate_limit_exceeded]')), 429, 'rate_limit_error');
      await expectError(await post(say('[mock:hang]')), 504, 'timeout_error');
    });

    // The whole body, in Anthropic's wording for each fault.
    it.each([
      [{ ...hello, max_tokens: undefined }, 400, 'invalid_request_error', 'max_tokens: Field required'],
      [{ ...hello, messages: [] }, 400, 'invalid_request_error', 'messages: List should have at least 1 item after validation, not 0'],
      [
        { ...hello, messages: [{ role: 'user', content: [{ type: 'video' }] }] },
        400,
        'invalid_request_error',
        "messages.0.content.0.type: Input should be 'text', 'image' or 'tool_result'",
      ],
      [{ ...hello, temperature: 3 }, 400, 'invalid_request_error', 'temperature: Input should be less than or equal to 1'],
      [{ ...hello, model: 'gpt-17' }, 404, 'not_found_error', 'The model `gpt-17` does not exist or you do not have access to it.'],
      [[1, 2, 3], 400, 'invalid_request_error', 'The request body must be a JSON object.'],
    ])('refuses %j with %i %s: %s', async (body, status, type, message) => {
      const response = await post(body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ type: 'error', error: { type, message } });
    });

    it('refuses malformed JSON, a body over the limit, unknown paths and wrong methods in the same shape', async () => {
      await expectError(await post('{"model": '), 400, 'invalid_request_error');
      await expectError(await post(say('x'.repeat(70_000))), 413, 'request_too_large');
      await expectError(await post(hello, '/v1/messages/batches'), 404, 'not_found_error');
      await expectError(await gateway.app.request('/v1/messages'), 405, 'invalid_request_error');
    });

    it('counts tokens with the gateway estimate', async () => {
      const count = async (body: unknown) => (await (await post(body, '/v1/messages/count_tokens')).json()) as { input_tokens: number };
      const plain = await count({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] });
      expect(plain.input_tokens).toBeGreaterThan(0);
      const withTools = await count({
        model: 'claude-sonnet',
        system: 'You are a weather bot with a long system prompt.',
        messages: [{ role: 'user', content: 'Hello!' }],
        tools: [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens);
      await expectError(await post({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }, '/v1/messages/count_tokens'), 404, 'not_found_error');
    });

    it('counts Messages requests under dialect="messages"', async () => {
      await post(hello);
      const text = await (await gateway.app.request('/metrics')).text();
      expect(text).toMatch(/llm_requests_total\{[^}]*status="200"[^}]*model="claude-sonnet"[^}]*backend="mock"[^}]*dialect="messages"/);
    });
  });
}
