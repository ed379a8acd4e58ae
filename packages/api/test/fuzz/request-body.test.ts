import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzTarget, itRefusesArbitraryBodies } from './fuzz-target.ts';

/** Property: no request body, however odd, yields a 5xx or takes the process down. */
describe('fuzzing the chat completion body', () => {
  const target = fuzzTarget('/v1/chat/completions');
  const { statusFor } = target;

  const role = fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function'), fc.string());
  const part = fc.oneof(
    fc.record({ type: fc.constant('text'), text: fc.string() }),
    fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.string() }) }),
    fc.record({ type: fc.string(), text: fc.jsonValue() }, { requiredKeys: [] }),
  );
  const content = fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }), fc.jsonValue(), fc.constant(null));
  const message = fc.record(
    { role, content, name: fc.string(), tool_call_id: fc.string(), tool_calls: fc.jsonValue() },
    { requiredKeys: ['role'] },
  );
  const body = fc.record(
    {
      model: fc.oneof(fc.constantFrom('claude-sonnet', 'claude-haiku'), fc.string(), fc.jsonValue()),
      messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.jsonValue()),
      stream: fc.oneof(fc.boolean(), fc.jsonValue()),
      stream_options: fc.jsonValue(),
      max_tokens: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
      max_completion_tokens: fc.oneof(fc.integer({ min: -5, max: 50 }), fc.jsonValue()),
      temperature: fc.oneof(fc.double(), fc.jsonValue()),
      top_p: fc.double(),
      n: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.jsonValue()),
      stop: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 6 }), fc.jsonValue()),
      tools: fc.jsonValue(),
      tool_choice: fc.jsonValue(),
      response_format: fc.jsonValue(),
      metadata: fc.jsonValue(),
      user: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

  it('never answers a structured but arbitrary body with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        expect(await statusFor(JSON.stringify(value))).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  itRefusesArbitraryBodies(target, (nested) => `{"model":"claude-sonnet","messages":[{"role":"user","content":${nested}}]}`);
});
