import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzTarget, itRefusesArbitraryBodies } from './fuzz-target.ts';

/** Property: no `POST /v1/responses` body, however odd, yields a 5xx or takes the process down. */
describe('fuzzing the Responses API body', () => {
  const target = fuzzTarget('/v1/responses');
  const { statusFor } = target;

  const anything = fc.jsonValue();
  const role = fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'), fc.string());
  const part = fc.oneof(
    fc.record({ type: fc.constantFrom('input_text', 'output_text'), text: fc.oneof(fc.string(), anything) }),
    fc.record({ type: fc.constant('input_image'), image_url: fc.oneof(fc.string(), anything), file_id: anything, detail: anything }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.oneof(fc.constantFrom('refusal', 'input_file', 'input_audio'), fc.string()), text: anything, refusal: anything }, { requiredKeys: [] }),
  );
  const content = fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }), anything, fc.constant(null));
  const item = fc.oneof(
    fc.record({ type: fc.constant('message'), role, content }, { requiredKeys: ['role'] }),
    fc.record({ role, content }, { requiredKeys: [] }),
    fc.record(
      { type: fc.constant('function_call'), call_id: fc.oneof(fc.string(), anything), name: fc.oneof(fc.string(), anything), arguments: fc.oneof(fc.string(), anything) },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.constant('function_call_output'), call_id: fc.string(), output: fc.oneof(fc.string(), fc.array(part, { maxLength: 2 }), anything) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.string(), id: anything }, { requiredKeys: [] }),
    anything,
  );
  const tool = fc.oneof(
    fc.record(
      { type: fc.constant('function'), name: fc.oneof(fc.constantFrom('get_weather', 'f'), fc.string()), description: anything, parameters: anything, strict: anything },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.oneof(fc.constantFrom('web_search', 'file_search', 'mcp'), fc.string()) }),
    anything,
  );
  const body = fc.record(
    {
      model: fc.oneof(fc.constantFrom('claude-sonnet', 'claude-haiku'), fc.string(), anything),
      // A string input reaches the mock; so does the directive that makes it call a tool.
      input: fc.oneof(fc.string(), fc.constant('[mock:tool=f]'), fc.array(item, { maxLength: 4 }), anything),
      instructions: fc.oneof(fc.string(), anything),
      stream: fc.oneof(fc.boolean(), anything),
      max_output_tokens: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double(), anything),
      temperature: fc.oneof(fc.double(), anything),
      top_p: fc.oneof(fc.double(), anything),
      tools: fc.oneof(fc.array(tool, { maxLength: 3 }), anything),
      tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), fc.record({ type: fc.string(), name: fc.string() }), anything),
      parallel_tool_calls: anything,
      text: fc.oneof(fc.record({ format: fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema'), name: fc.string(), schema: anything }, { requiredKeys: [] }) }), anything),
      store: anything,
      previous_response_id: fc.oneof(fc.constant(null), anything),
      background: anything,
      metadata: anything,
      user: anything,
    },
    { requiredKeys: [] },
  );

  // Bodies of valid parts, combined at random: these get past parsing to the backend and back.
  const validItem = fc.oneof(
    fc.record({ role: fc.constantFrom('user', 'system', 'developer', 'assistant'), content: fc.string() }),
    fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constant('input_text'), text: fc.string() }), { minLength: 1, maxLength: 2 }) }),
    fc.record({ type: fc.constant('function_call'), call_id: fc.constantFrom('c1', 'c2'), name: fc.constant('f'), arguments: fc.string() }),
    fc.record({ type: fc.constant('function_call_output'), call_id: fc.constantFrom('c1', 'c2'), output: fc.string() }),
  );
  const plausible = fc.record(
    {
      model: fc.constantFrom('claude-sonnet', 'claude-haiku'),
      input: fc.oneof(fc.string(), fc.constant('[mock:tool=f]'), fc.array(validItem, { minLength: 1, maxLength: 4 })),
      instructions: fc.string(),
      stream: fc.boolean(),
      max_output_tokens: fc.integer({ min: 1, max: 50 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      tools: fc.constant([{ type: 'function', name: 'f', parameters: { type: 'object' } }]),
      tool_choice: fc.constantFrom('auto', 'none', 'required', { type: 'function', name: 'f' }),
      text: fc.constantFrom({ format: { type: 'text' } }, { format: { type: 'json_object' } }, { format: { type: 'json_schema', name: 'a', schema: { type: 'object' } } }),
      store: fc.boolean(),
    },
    { requiredKeys: ['model', 'input'] },
  );

  it('never answers a structured but arbitrary body with a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, plausible), async (value) => {
        const status = await statusFor(JSON.stringify(value));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
    // Not only refusals: some bodies get through parsing to the backend and are answered.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
  });

  itRefusesArbitraryBodies(target, (nested) => `{"model":"claude-sonnet","input":[{"role":"user","content":${nested}}]}`);
});
