import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.ts';
import { inProcessGateway } from '../helpers/test-gateway.ts';

/** Property: no Messages or count_tokens body, however odd, yields a 5xx or a non-Anthropic error. */
describe('fuzzing the Messages body', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await inProcessGateway({ LLM_POOL_SIZE: '4' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  async function statusFor(path: string, body: string): Promise<number> {
    const response = await gateway.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    if (response.status >= 400) expect(JSON.parse(text)).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
    return response.status;
  }

  const text = fc.oneof(fc.string(), fc.constantFrom('[mock:tool=t]', '[mock:words=3]', 'hello'));
  const source = fc.oneof(
    fc.record({ type: fc.constant('base64'), media_type: fc.oneof(fc.constantFrom('image/png', 'image/gif'), fc.string()), data: fc.string() }, { requiredKeys: [] }),
    fc.record({ type: fc.constant('url'), url: fc.string() }, { requiredKeys: [] }),
    fc.jsonValue(),
  );
  const block = fc.oneof(
    fc.record({ type: fc.constant('text'), text, cache_control: fc.jsonValue() }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('image'), source }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('tool_use'), id: fc.string(), name: fc.string(), input: fc.jsonValue() }, { requiredKeys: ['type'] }),
    fc.record(
      { type: fc.constant('tool_result'), tool_use_id: fc.string(), content: fc.oneof(fc.string(), fc.jsonValue()), is_error: fc.jsonValue() },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.constantFrom('thinking', 'redacted_thinking'), thinking: fc.string(), signature: fc.string() }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.string(), text: fc.jsonValue() }, { requiredKeys: [] }),
  );
  const content = fc.oneof(text, fc.array(block, { maxLength: 4 }), fc.jsonValue(), fc.constant(null));
  const message = fc.record({ role: fc.oneof(fc.constantFrom('user', 'assistant', 'system'), fc.string()), content }, { requiredKeys: ['role'] });
  const tool = fc.oneof(
    fc.record({ name: fc.oneof(fc.constantFrom('get_weather', 't'), fc.string()), description: fc.jsonValue(), input_schema: fc.jsonValue(), type: fc.jsonValue() }, { requiredKeys: [] }),
    fc.jsonValue(),
  );
  const toolChoice = fc.oneof(
    fc.record({ type: fc.constantFrom('auto', 'any', 'none', 'tool'), name: fc.string(), disable_parallel_tool_use: fc.jsonValue() }, { requiredKeys: ['type'] }),
    fc.jsonValue(),
  );
  /** Mostly what Anthropic documents, now and then anything: so that most bodies get past validation, to the backend and back. */
  const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: fc.jsonValue(), weight: 1 });
  const validBlock = fc.oneof(
    fc.record({ type: fc.constant('text'), text }),
    fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('base64'), media_type: fc.constantFrom('image/png', 'image/webp', 'image/tiff'), data: fc.base64String({ minLength: 4 }) }) }),
    fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('url'), url: fc.oneof(fc.webUrl(), fc.string({ minLength: 1 })) }) }),
    fc.record({ type: fc.constant('tool_result'), tool_use_id: fc.string({ minLength: 1, maxLength: 8 }), content: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 })) }),
  );
  const validAssistantBlock = fc.oneof(
    fc.record({ type: fc.constant('text'), text }),
    fc.record({ type: fc.constant('tool_use'), id: fc.string({ minLength: 1, maxLength: 8 }), name: fc.constantFrom('get_weather', 't'), input: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }) }),
    fc.record({ type: fc.constant('thinking'), thinking: fc.string(), signature: fc.string() }),
  );
  const validMessage = fc.oneof(
    fc.record({ role: fc.constant('user'), content: fc.oneof(text, fc.array(mostly(validBlock), { minLength: 1, maxLength: 3 })) }),
    fc.record({ role: fc.constant('assistant'), content: fc.oneof(text, fc.array(mostly(validAssistantBlock), { maxLength: 3 })) }),
    fc.record({ role: fc.constant('system'), content: text }),
  );
  const validBody = fc.record(
    {
      model: fc.constantFrom('claude-sonnet', 'claude-haiku', 'claude-opus'),
      max_tokens: mostly(fc.integer({ min: 1, max: 64 })),
      messages: fc.array(validMessage, { minLength: 1, maxLength: 4 }),
      system: mostly(fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 }))),
      stream: fc.boolean(),
      temperature: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
      stop_sequences: mostly(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 })),
      tools: mostly(fc.array(fc.record({ name: fc.constantFrom('get_weather', 't'), input_schema: fc.constant({ type: 'object' }) }), { maxLength: 2 })),
      tool_choice: mostly(fc.oneof(fc.record({ type: fc.constantFrom('auto', 'any', 'none') }), fc.record({ type: fc.constant('tool'), name: fc.constantFrom('get_weather', 't') }))),
      metadata: mostly(fc.record({ user_id: fc.string({ maxLength: 300 }) })),
      thinking: fc.jsonValue(),
    },
    { requiredKeys: ['model', 'max_tokens', 'messages'] },
  );
  const body = fc.record(
    {
      model: fc.oneof(fc.constantFrom('claude-sonnet', 'claude-haiku'), fc.string(), fc.jsonValue()),
      max_tokens: fc.oneof(fc.integer({ min: -2, max: 64 }), fc.double(), fc.jsonValue()),
      messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 4 }), fc.jsonValue()),
      system: fc.oneof(fc.string(), fc.array(block, { maxLength: 2 }), fc.jsonValue()),
      stream: fc.oneof(fc.boolean(), fc.jsonValue()),
      temperature: fc.oneof(fc.double(), fc.jsonValue()),
      top_p: fc.double(),
      top_k: fc.jsonValue(),
      stop_sequences: fc.oneof(fc.array(fc.string(), { maxLength: 20 }), fc.jsonValue()),
      tools: fc.oneof(fc.array(tool, { maxLength: 3 }), fc.jsonValue()),
      tool_choice: toolChoice,
      metadata: fc.oneof(fc.record({ user_id: fc.oneof(fc.string(), fc.jsonValue()) }), fc.jsonValue()),
      thinking: fc.jsonValue(),
      output_config: fc.jsonValue(),
      context_management: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

  it.each(['/v1/messages', '/v1/messages/count_tokens'])('never answers a structured but arbitrary body on %s with a 5xx', async (path) => {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        expect(await statusFor(path, JSON.stringify(value))).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['/v1/messages', '/v1/messages/count_tokens'])('never answers a mostly valid body on %s with a 5xx, and answers many of them', async (path) => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(validBody, async (value) => {
        const status = await statusFor(path, JSON.stringify(value));
        expect(status).toBeLessThan(500);
        if (status === 200) answered += 1;
      }),
      { numRuns: 300 },
    );
    // About a third reach the backend and come back (~110 of 300): the property covers answers, not only refusals.
    expect(answered).toBeGreaterThan(50);
  });

  it('never answers arbitrary JSON or arbitrary text with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'), fc.string()), async (value) => {
        expect(await statusFor('/v1/messages', value)).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('survives deep nesting', async () => {
    const deep = '{"model":"claude-sonnet","max_tokens":5,"messages":[{"role":"user","content":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}]}';
    expect(await statusFor('/v1/messages', deep)).toBe(400);
  });
});
