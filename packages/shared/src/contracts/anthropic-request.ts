import { z } from 'zod';
import { STRING_CAPS } from './string-caps.ts';

/** A string of at most `max` characters: the cap is checked before anything else reads it. */
const capped = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const toolName = capped(STRING_CAPS.toolName).regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes');
/** Anthropic's `stop_sequences` has no documented limit; the gateway keeps a generous one. */
export const MAX_STOP_SEQUENCES = 16;

const textBlock = z.object({ type: z.literal('text'), text: z.string() });
const imageSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), media_type: capped(64).min(1), data: z.string().min(1) }),
  z.object({ type: z.literal('url'), url: z.string().min(1) }),
]);
const imageBlock = z.object({ type: z.literal('image'), source: imageSource });
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: capped(STRING_CAPS.id).min(1),
  name: capped(STRING_CAPS.toolName).min(1),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: capped(STRING_CAPS.id).min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
/** Earlier thinking the client sends back: accepted, and not passed on (the backends cannot take it). */
const thinkingBlock = z.object({ type: z.enum(['thinking', 'redacted_thinking']) });

const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, toolResultBlock]))]);
const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, toolUseBlock, thinkingBlock]))]);
const systemContent = z.union([z.string(), z.array(textBlock)]);

/** One entry of `messages`: a user or assistant turn (or a system entry, as Claude Code sends). */
export const anthropicMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: userContent }),
  z.object({ role: z.literal('assistant'), content: assistantContent }),
  // Not in Anthropic's documentation, but Claude Code sends it; read as more instructions.
  z.object({ role: z.literal('system'), content: systemContent }),
]);

const customTool = z.object({
  type: z.literal('custom').optional(),
  name: toolName,
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('tool'), name: capped(STRING_CAPS.toolName).min(1), disable_parallel_tool_use: z.boolean().optional() }),
]);

const messagesFields = {
  model: capped(STRING_CAPS.model).min(1),
  messages: z.array(anthropicMessageSchema).min(1),
  system: systemContent.optional(),
  tools: z.array(customTool).max(128, 'must have at most 128 tools').optional(),
  tool_choice: toolChoice.optional(),
};

/** `POST /v1/messages/count_tokens`: the request without what only an answer needs. */
export const anthropicCountTokensSchema = z.object(messagesFields);

/**
 * The Anthropic Messages request (`POST /v1/messages`) as it arrives on the wire. As Anthropic's
 * own API does with beta fields a client may send, unknown fields are stripped (ignored):
 * `thinking`, `output_config`, `context_management`, `cache_control`, `top_k`, `service_tier`…
 * are accepted and not applied here (the `api` backend gets some of them: `anthropic-passthrough.ts`).
 * Known fields are checked so a bad value is a 400 naming its param.
 */
export const anthropicMessagesRequestSchema = z.object({
  ...messagesFields,
  max_tokens: z.number().int().min(1),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(capped(STRING_CAPS.stop)).max(MAX_STOP_SEQUENCES).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: capped(STRING_CAPS.user).nullish() }).optional(),
});

/** A checked Messages body. */
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
/** A checked count_tokens body. */
export type AnthropicCountTokensRequest = z.infer<typeof anthropicCountTokensSchema>;
/** A checked entry of `messages`. */
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;
