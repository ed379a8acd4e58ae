import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIChatChunkSchema, openAIChatCompletionSchema, openAIErrorSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import { sseData } from '../helpers/sse.ts';
import type { GatewayFactory } from '../helpers/test-gateway.ts';

const hello = { model: 'claude-sonnet', messages: [{ role: 'user', content: 'Hello!' }] };

/**
 * The API contract, run against every dispatcher: whatever carries the job, a client sees the
 * same OpenAI behaviour.
 */
export function defineContractSuite(name: string, factory: GatewayFactory): void {
  describe(`API contract (${name})`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await factory();
    });
    afterAll(async () => {
      await gateway?.close();
    });

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      gateway.app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    async function expectError(response: Response, status: number, code: string, param: string | null = null) {
      expect(response.status).toBe(status);
      const body = openAIErrorSchema.parse(await response.json());
      expect(body.error.code).toBe(code);
      expect(body.error.param).toBe(param);
      expect(body.error.message.length).toBeGreaterThan(0);
      return body;
    }

    it('answers a chat completion as OpenAI shapes it', async () => {
      const response = await post(hello);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      const body = openAIChatCompletionSchema.parse(await response.json());
      expect(body.model).toBe('claude-sonnet');
      expect(body.choices[0]!.message.content).toBe('This is a mock response to: Hello!');
      expect(body.choices[0]!.finish_reason).toBe('stop');
      expect(body.usage.prompt_tokens).toBeGreaterThan(0);
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    });

    it('honours x-request-id and replaces an unsafe one', async () => {
      expect((await post(hello, { 'x-request-id': 'abc-123' })).headers.get('x-request-id')).toBe('abc-123');
      expect((await post(hello, { 'x-request-id': 'bad id {"forged":1}' })).headers.get('x-request-id')).toMatch(/^req_/);
    });

    it('accepts every role, content parts, both token limits and unknown fields', async () => {
      const response = await post({
        model: 'claude-haiku',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: [{ type: 'text', text: 'What is the weather?' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
          { role: 'user', content: 'Thanks' },
        ],
        max_tokens: 100,
        max_completion_tokens: 200,
        temperature: 0.2,
        top_p: 0.9,
        stop: ['END'],
        n: 1,
        user: 'u-1',
        metadata: { team: 'x' },
        logit_bias: {},
        some_future_field: true,
      });
      expect(response.status).toBe(200);
      const body = openAIChatCompletionSchema.parse(await response.json());
      expect(body.choices[0]!.message.content).toContain('Thanks');
    });

    it('answers a prompt holding special-token text like any other', async () => {
      const response = await post({ ...hello, messages: [{ role: 'user', content: 'what is <|endoftext|>?' }] });
      expect(response.status).toBe(200);
      const body = openAIChatCompletionSchema.parse(await response.json());
      expect(body.choices[0]!.message.content).toContain('<|endoftext|>');
    });

    it('stops at max_tokens with finish_reason length', async () => {
      const response = await post({ ...hello, max_completion_tokens: 2 });
      const body = openAIChatCompletionSchema.parse(await response.json());
      expect(body.choices[0]!.finish_reason).toBe('length');
      expect(body.usage.completion_tokens).toBe(2);
    });

    it('streams: role first, content deltas, one finish, [DONE], one id', async () => {
      const response = await post({ ...hello, stream: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = sseData(await response.text());
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1).map((event) => openAIChatChunkSchema.parse(event));
      expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      const finishes = chunks.filter((chunk) => chunk.choices[0]?.finish_reason);
      expect(finishes).toHaveLength(1);
      expect(finishes[0]).toBe(chunks.at(-1));
      expect(chunks.every((chunk) => chunk.usage == null)).toBe(true);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('This is a mock response to: Hello!');
    });

    it('streams a final usage chunk with empty choices when include_usage is set', async () => {
      const response = await post({ ...hello, stream: true, stream_options: { include_usage: true } });
      const events = sseData(await response.text());
      expect(events.at(-1)).toBe('[DONE]');
      const last = openAIChatChunkSchema.parse(events.at(-2));
      expect(last.choices).toEqual([]);
      expect(last.usage?.completion_tokens).toBeGreaterThan(0);
      const finish = openAIChatChunkSchema.parse(events.at(-3));
      expect(finish.choices[0]!.finish_reason).toBe('stop');
    });

    it('streams tool calls', async () => {
      const response = await post({ ...hello, messages: [{ role: 'user', content: '[mock:tool=get_weather]' }], stream: true });
      const chunks = sseData(await response.text()).slice(0, -1).map((event) => openAIChatChunkSchema.parse(event));
      const call = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])[0];
      expect(call).toMatchObject({ index: 0, id: 'call_mock_get_weather', type: 'function', function: { name: 'get_weather' } });
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
    });

    it('ends a stream that fails midway with an error event and no [DONE]', async () => {
      const response = await post({ ...hello, messages: [{ role: 'user', content: 'one two three four [mock:fail-after=2]' }], stream: true });
      expect(response.status).toBe(200);
      const events = sseData(await response.text());
      expect(events).not.toContain('[DONE]');
      const last = openAIErrorSchema.parse(events.at(-1));
      expect(last.error.code).toBe('upstream_error');
    });

    it('answers a failure before any output with its HTTP status, streaming or not', async () => {
      const failing = { ...hello, messages: [{ role: 'user', content: '[mock:error=upstream_error]' }] };
      await expectError(await post(failing), 502, 'upstream_error');
      await expectError(await post({ ...failing, stream: true }), 502, 'upstream_error');
      const overloaded = { ...hello, messages: [{ role: 'user', content: '[mock:error=overloaded]' }] };
      await expectError(await post(overloaded), 503, 'overloaded');
    });

    it('times out with 504 after LLM_REQUEST_TIMEOUT', async () => {
      const hanging = { ...hello, messages: [{ role: 'user', content: '[mock:hang]' }] };
      await expectError(await post(hanging), 504, 'timeout');
    });

    // The whole body, as OpenAI words each of these.
    it.each([
      [{ ...hello, n: 2 }, 400, 'unsupported_value', 'n', "Unsupported value: 'n' does not support 2 with this gateway. Supported values are: 1."],
      [{ ...hello, temperature: 2.5 }, 400, 'decimal_above_max_value', 'temperature', "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead."],
      [{ ...hello, messages: [{ role: 'user' }] }, 400, 'missing_required_parameter', 'messages[0].content', "Missing required parameter: 'messages[0].content'."],
      [{ model: 'claude-sonnet' }, 400, 'missing_required_parameter', 'messages', "Missing required parameter: 'messages'."],
      [{ ...hello, messages: 'hi' }, 400, 'invalid_type', 'messages', "Invalid type for 'messages': expected an array of objects, but got a string instead."],
      [{ ...hello, model: 'gpt-17' }, 404, 'model_not_found', null, 'The model `gpt-17` does not exist or you do not have access to it.'],
      [[1, 2, 3], 400, 'invalid_value', null, 'The request body must be a JSON object.'],
    ])('rejects %j with %i', async (body, status, code, param, message) => {
      const response = await post(body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: { message, type: 'invalid_request_error', param, code } });
    });

    it('rejects malformed JSON with 400, as OpenAI does (no code)', async () => {
      const response = await post('{"model": ');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The gateway expects a JSON payload, but what was sent was not valid JSON.)",
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    });

    it('rejects a body over LLM_MAX_BODY_BYTES with 413', async () => {
      const huge = { ...hello, messages: [{ role: 'user', content: 'x'.repeat(70_000) }] };
      await expectError(await post(huge), 413, 'request_too_large');
    });

    it('answers unknown routes with 404 and wrong methods with 405, in the words OpenAI uses', async () => {
      const unknown = await gateway.app.request('/v1/nothing', { method: 'POST' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/nothing)', type: 'invalid_request_error', param: null, code: null } });
      const wrongMethod = await gateway.app.request('/v1/chat/completions');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      expect(await wrongMethod.json()).toEqual({
        error: { message: 'Invalid URL (GET /v1/chat/completions): this path takes POST.', type: 'invalid_request_error', param: null, code: null },
      });
      expect((await gateway.app.request('/v1/models', { method: 'POST' })).status).toBe(405);
    });

    it('lists the served models and finds one', async () => {
      const response = await gateway.app.request('/v1/models');
      const body = (await response.json()) as { object: string; data: Array<{ id: string; object: string }> };
      expect(body.object).toBe('list');
      expect(body.data.map((model) => model.id)).toEqual(expect.arrayContaining(['claude-sonnet', 'claude-haiku', 'claude-opus']));
      expect(((await (await gateway.app.request('/v1/models/claude-opus')).json()) as { id: string }).id).toBe('claude-opus');
      await expectError(await gateway.app.request('/v1/models/nope'), 404, 'model_not_found');
    });

    it('reports health with the backend and a pool summary', async () => {
      const response = await gateway.app.request('/health');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; backend: string; pool: { total: number } };
      expect(body.status).toBe('ok');
      expect(body.backend).toBe('mock');
      expect(body.pool.total).toBeGreaterThanOrEqual(2);
      expect((await gateway.app.request('/livez')).status).toBe(200);
      expect((await gateway.app.request('/readyz')).status).toBe(200);
    });

    it('lists sessions with id, status, backend and pid', async () => {
      const body = (await (await gateway.app.request('/sessions')).json()) as { sessions: Array<Record<string, unknown>> };
      expect(body.sessions.length).toBeGreaterThanOrEqual(2);
      for (const session of body.sessions) {
        expect(session).toMatchObject({ id: expect.any(String), status: expect.any(String), backend: 'mock' });
        expect(session).toHaveProperty('pid');
        expect(session).toHaveProperty('supervisor');
      }
    });

    it('exports the spec metrics with bounded labels', async () => {
      await post({ ...hello, model: 'made-up-model-1' });
      await post({ ...hello, model: 'made-up-model-2' });
      const text = await (await gateway.app.request('/metrics')).text();
      for (const name of ['llm_requests_total', 'llm_request_duration_seconds', 'llm_sessions_total', 'llm_cache_hits_total', 'llm_queue_depth']) {
        expect(text).toContain(`# TYPE ${name}`);
      }
      expect(text).toMatch(/llm_requests_total\{[^}]*status="200"[^}]*model="claude-sonnet"[^}]*backend="mock"/);
      expect(text).not.toContain('made-up-model');
      expect(text).toMatch(/llm_requests_total\{[^}]*status="404"[^}]*model="other"/);
    });
  });
}
