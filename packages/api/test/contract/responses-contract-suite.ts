import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAIErrorSchema } from '@llm-gateway/shared';
import type { Gateway } from '../../src/gateway.ts';
import type { GatewayFactory } from '../helpers/test-gateway.ts';

interface ResponseEvent {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

interface ResponseJson {
  id: string;
  object: string;
  status: string;
  incomplete_details: { reason: string } | null;
  error: { code: string; message: string } | null;
  output: Array<Record<string, unknown> & { type: string; content?: Array<{ type: string; text: string }> }>;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number; input_tokens_details: { cached_tokens: number } } | null;
  [key: string]: unknown;
}

const hello = { model: 'claude-sonnet', input: 'Hello!' };

/** The `event:` / `data:` pairs of a Responses stream; every event's name must be its `type`. */
function responseEvents(body: string): ResponseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      const event = JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as ResponseEvent;
      expect(event.type).toBe(name);
      return event;
    });
}

function outputText(response: ResponseJson): string {
  return response.output.flatMap((item) => item.content ?? []).map((part) => part.text).join('');
}

/** `POST /v1/responses` against every dispatcher: the Responses API's shapes on the one backend path. */
export function defineResponsesContractSuite(name: string, factory: GatewayFactory): void {
  describe(`Responses API contract (${name})`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await factory();
    });
    afterAll(async () => {
      await gateway?.close();
    });

    const post = (body: unknown) =>
      gateway.app.request('/v1/responses', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    async function expectError(response: Response, status: number, code: string | null, param: string | null = null) {
      expect(response.status).toBe(status);
      const body = openAIErrorSchema.parse(await response.json());
      expect(body.error).toMatchObject({ code, param });
    }

    it('answers with a completed Response: resp_ id, a message item, usage', async () => {
      const response = await post({ ...hello, instructions: 'Be brief.', temperature: 0.3, metadata: { team: 'a' } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as ResponseJson;
      expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'claude-sonnet', instructions: 'Be brief.', temperature: 0.3, store: true });
      expect(body.id).toMatch(/^resp_[A-Za-z0-9]{24}$/);
      expect(body.metadata).toEqual({ team: 'a' });
      expect(body.output).toHaveLength(1);
      expect(body.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', id: expect.stringMatching(/^msg_/) });
      expect(body.output[0]!.content).toEqual([{ type: 'output_text', text: 'This is a mock response to: Hello!', annotations: [], logprobs: [] }]);
      expect(body.usage!.input_tokens).toBeGreaterThan(0);
      expect(body.usage!.total_tokens).toBe(body.usage!.input_tokens + body.usage!.output_tokens);
      expect(body.usage!.input_tokens_details.cached_tokens).toBe(0);
    });

    it('is incomplete when max_output_tokens cuts the answer', async () => {
      const body = (await (await post({ ...hello, max_output_tokens: 2 })).json()) as ResponseJson;
      expect(body.status).toBe('incomplete');
      expect(body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(body.usage!.output_tokens).toBe(2);
      expect(body.max_output_tokens).toBe(2);
    });

    it('answers a function call as a function_call item, and its output with text', async () => {
      const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } }];
      const first = (await (await post({ ...hello, input: 'Weather? [mock:tool=get_weather]', tools })).json()) as ResponseJson;
      expect(first.output).toEqual([
        { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: 'call_mock_get_weather', name: 'get_weather', arguments: '{"location":"Paris"}' },
      ]);
      expect(first.tools).toEqual([{ ...tools[0], description: null, strict: null }]);
      const input = [{ role: 'user', content: 'Weather? [mock:tool=get_weather]' }, first.output[0], { type: 'function_call_output', call_id: 'call_mock_get_weather', output: 'sunny' }];
      const second = (await (await post({ ...hello, input, tools })).json()) as ResponseJson;
      expect(second.status).toBe('completed');
      expect(outputText(second)).toBe('The tools answered: sunny');
    });

    it('streams the documented events, numbered in sequence, ending in response.completed', async () => {
      const response = await post({ ...hello, stream: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = responseEvents(await response.text());
      expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
      const types = [...new Set(events.map((event) => event.type))];
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.delta',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const deltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
      expect(deltas).toBe('This is a mock response to: Hello!');
      const completed = events.at(-1)!.response as ResponseJson;
      expect(completed.id).toBe((events[0]!.response as ResponseJson).id);
      expect(outputText(completed)).toBe(deltas);
      expect(completed.usage!.output_tokens).toBeGreaterThan(0);
    });

    it('streams a function call with its argument deltas', async () => {
      const events = responseEvents(await (await post({ ...hello, input: '[mock:tool=lookup]', stream: true })).text());
      const added = events.find((event) => event.type === 'response.output_item.added')!;
      expect(added.item).toMatchObject({ type: 'function_call', name: 'lookup', call_id: 'call_mock_lookup', arguments: '' });
      const args = events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta).join('');
      expect(args).toBe('{"location":"Paris"}');
      expect(events.find((event) => event.type === 'response.function_call_arguments.done')).toMatchObject({ arguments: args, name: 'lookup' });
      expect(events.at(-1)!.type).toBe('response.completed');
    });

    it('ends a stream that fails midway with response.failed', async () => {
      const events = responseEvents(await (await post({ ...hello, input: 'one two three four [mock:fail-after=2]', stream: true })).text());
      const last = events.at(-1)!;
      expect(last.type).toBe('response.failed');
      const failed = last.response as ResponseJson;
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'server_error', message: expect.any(String) });
      expect(events.some((event) => event.type === 'response.completed')).toBe(false);
    });

    it('answers a failure before any output with its HTTP status, streaming or not', async () => {
      const failing = { ...hello, input: '[mock:error=upstream_error]' };
      await expectError(await post(failing), 502, 'upstream_error');
      await expectError(await post({ ...failing, stream: true }), 502, 'upstream_error');
    });

    it.each([
      [{ ...hello, model: 'gpt-17' }, 404, 'model_not_found', null],
      [{ ...hello, previous_response_id: 'resp_abc' }, 400, 'previous_response_not_found', 'previous_response_id'],
      [{ ...hello, conversation: 'conv_abc' }, 400, 'unsupported_value', 'conversation'],
      [{ ...hello, tools: [{ type: 'web_search' }] }, 400, 'unsupported_value', 'tools[0].type'],
      [{ ...hello, temperature: 3 }, 400, 'decimal_above_max_value', 'temperature'],
      [{ ...hello, input: [{ role: 'user' }] }, 400, 'missing_required_parameter', 'input[0].content'],
      [{ model: 'claude-sonnet' }, 400, 'missing_required_parameter', 'input'],
      // Checked past parsing, on the normalized messages: named as the input they came from.
      [{ ...hello, max_output_tokens: 300_000 }, 400, 'context_length_exceeded', 'input'],
      ['{"model": ', 400, null, null],
    ])('rejects %j with %i in OpenAI error shape', async (body, status, code, param) => {
      await expectError(await post(body), status, code, param);
    });

    it('continues a stored response with previous_response_id, for its tenant only', async () => {
      const first = (await (await post({ ...hello, input: 'My name is Ann.', instructions: 'Be brief.' })).json()) as ResponseJson;
      const alone = (await (await post({ ...hello, input: 'What is my name?' })).json()) as ResponseJson;
      const next = await post({ ...hello, input: 'What is my name?', previous_response_id: first.id });
      expect(next.status).toBe(200);
      const second = (await next.json()) as ResponseJson;
      expect(second.previous_response_id).toBe(first.id);
      // The earlier turn (without its instructions) is in the prompt: user, assistant, user.
      expect(second.usage!.input_tokens).toBeGreaterThan(alone.usage!.input_tokens + 10);
      // A chain goes on from the newest link, streamed too.
      const third = await post({ ...hello, input: 'And again?', previous_response_id: second.id, stream: true });
      expect(await third.text()).toMatch(/event: response\.completed\n/);
      // store: false keeps nothing to continue from.
      const unstored = (await (await post({ ...hello, store: false })).json()) as ResponseJson;
      expect(unstored.store).toBe(false);
      await expectError(await post({ ...hello, previous_response_id: unstored.id }), 400, 'previous_response_not_found', 'previous_response_id');
    });

    it('has no stored responses to retrieve, and only POST on /v1/responses', async () => {
      await expectError(await gateway.app.request('/v1/responses/resp_abc'), 404, null);
      await expectError(await gateway.app.request('/v1/responses'), 405, null);
    });

    it('counts its requests under dialect="responses"', async () => {
      await post(hello);
      const text = await (await gateway.app.request('/metrics')).text();
      expect(text).toMatch(/llm_requests_total\{[^}]*status="200"[^}]*model="claude-sonnet"[^}]*backend="mock"[^}]*dialect="responses"/);
    });
  });
}
