import { z } from 'zod';
import { takesStringToo } from './schema-shape.ts';
import { capped, functionNameSchema, metadataSchema } from './openai-request.ts';
import { STRING_CAPS } from './string-caps.ts';

/**
 * The OpenAI Responses API request (`POST /v1/responses`) as it arrives on the wire, for the part
 * the gateway serves: text and image input, function tools, structured output. As for chat
 * completions, unknown fields are stripped and known ones checked, so a bad value is a 400 naming
 * its `param`. Item and tool types the gateway does not serve are refused before this schema runs
 * (see `parseResponsesRequest`), with a message saying so rather than a shape mismatch.
 */
const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const outputText = z.object({ type: z.literal('output_text'), text: z.string() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  // OpenAI allows a `file_id` instead; the gateway has no file store, so it is refused earlier.
  image_url: z.string().min(1),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});

/**
 * Content as a string or parts. A string is read as one text part before the check, so that a
 * bad part is named (`input[0].content[1].image_url`) instead of the union as a whole.
 */
function content<Part extends z.ZodType>(part: Part, textType: 'input_text' | 'output_text') {
  return takesStringToo(
    z.preprocess(
      (value) => (typeof value === 'string' ? [{ type: textType, text: value }] : value),
      z.array(part, { error: 'must be a string or an array of content parts' }),
    ),
  );
}

const userContent = content(z.discriminatedUnion('type', [inputText, inputImage]), 'input_text');
const instructionContent = content(inputText, 'input_text');
const assistantContent = content(z.discriminatedUnion('type', [outputText, refusal, inputText]), 'output_text');

const messageItem = z.discriminatedUnion('role', [
  z.object({ type: z.literal('message'), role: z.literal('user'), content: userContent }),
  z.object({ type: z.literal('message'), role: z.literal('system'), content: instructionContent }),
  z.object({ type: z.literal('message'), role: z.literal('developer'), content: instructionContent }),
  z.object({ type: z.literal('message'), role: z.literal('assistant'), content: assistantContent }),
]);

const functionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: capped(STRING_CAPS.id).min(1),
  name: capped(STRING_CAPS.toolName).min(1),
  arguments: z.string(),
});

const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: capped(STRING_CAPS.id).min(1),
  output: z.union([z.string(), z.array(inputText)]),
});

/** One `input` item. A message may leave out `type`, as OpenAI's "easy input message" does. */
export const responsesInputItemSchema = z.preprocess(
  (item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) && !('type' in item) && 'role' in item
      ? { ...item, type: 'message' }
      : item,
  z.discriminatedUnion('type', [messageItem, functionCallItem, functionCallOutputItem]),
);

const functionTool = z.object({
  type: z.literal('function'),
  name: functionNameSchema,
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: capped(STRING_CAPS.toolName).min(1) }),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: capped(STRING_CAPS.toolName).min(1),
    description: z.string().nullish(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

/** The `POST /v1/responses` body the gateway serves. */
export const responsesRequestSchema = z.object({
  model: capped(STRING_CAPS.model).min(1),
  // A string is one user message. Read as such before the check, so that a bad item is named
  // (`input[2].call_id`) instead of the union as a whole (`input`).
  input: takesStringToo(
    z.preprocess(
      (input) => (typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input),
      z.array(responsesInputItemSchema, { error: 'must be a string or an array of input items' }).min(1),
    ),
  ),
  instructions: z.string().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  tools: z.array(functionTool).max(128, 'must have at most 128 tools').optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: textFormat.optional() }).nullish(),
  stream: z.boolean().nullish(),
  // Stored unless `false`, as at OpenAI, when the gateway keeps a response store.
  store: z.boolean().nullish(),
  previous_response_id: capped(STRING_CAPS.id).nullish(),
  user: capped(STRING_CAPS.user).optional(),
  metadata: metadataSchema.nullish(),
});

/** A checked Responses request; a string `input` reads as one user message item. */
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
/** A checked `input` item: a message, a function call or a function call's output. */
export type ResponsesInputItem = z.infer<typeof responsesInputItemSchema>;
