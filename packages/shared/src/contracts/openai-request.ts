import { z } from 'zod';
import type { MaxPropertiesParams } from './request-fault.ts';
import { STRING_CAPS } from './string-caps.ts';

/**
 * The OpenAI chat completion request as it arrives on the wire. Unknown fields are stripped
 * (ignored), as OpenAI-compatible servers are expected to do; known fields are checked so a bad
 * value becomes a 400 naming its `param`.
 */
/** A string of at most `max` characters: the cap is checked before anything else reads it. */
export const capped = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const name = capped(STRING_CAPS.name).optional();

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)]);
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]);
const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]);

const toolCall = z.object({
  id: capped(STRING_CAPS.id).min(1),
  type: z.literal('function'),
  function: z.object({ name: capped(STRING_CAPS.toolName).min(1), arguments: z.string() }),
});

export const openAIMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name }),
  z.object({ role: z.literal('developer'), content: textContent, name }),
  z.object({ role: z.literal('user'), content: userContent, name }),
  z.object({
    role: z.literal('assistant'),
    content: assistantContent.nullish(),
    name,
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: capped(STRING_CAPS.id).min(1) }),
]);

/** A function's name, as OpenAI allows it. */
export const functionNameSchema = capped(STRING_CAPS.toolName).regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes');

/** Request `metadata`: OpenAI's caps on keys, values and pairs. */
export const metadataSchema = z
  .record(capped(STRING_CAPS.metadataKey), capped(STRING_CAPS.metadataValue))
  .refine((pairs) => Object.keys(pairs).length <= STRING_CAPS.metadataPairs, {
    message: `must have at most ${STRING_CAPS.metadataPairs} pairs`,
    params: { maxProperties: STRING_CAPS.metadataPairs } satisfies MaxPropertiesParams,
  });

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: functionNameSchema,
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: capped(STRING_CAPS.toolName).min(1) }) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: capped(STRING_CAPS.toolName).min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const positiveInt = z.number().int().min(1);

export const openAIChatRequestSchema = z.object({
  model: capped(STRING_CAPS.model).min(1),
  messages: z.array(openAIMessageSchema).min(1),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([capped(STRING_CAPS.stop), z.array(capped(STRING_CAPS.stop)).max(4)]).nullish(),
  // Any integer is accepted here; a value other than 1 is refused later with a clearer message.
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: capped(STRING_CAPS.user).optional(),
  metadata: metadataSchema.nullish(),
  tools: z.array(functionTool).max(128, 'must have at most 128 tools').optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormat.optional(),
  seed: z.number().int().nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
});

export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;
export type OpenAIMessage = z.infer<typeof openAIMessageSchema>;
