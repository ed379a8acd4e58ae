import { z } from 'zod';

/**
 * The OpenAI response shapes the gateway produces. The schemas document the contract and let
 * tests check real output against it; the server builds these objects directly.
 */
const finishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);

const usageSchema = z.object({
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  total_tokens: z.number().int().min(0),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int().min(0) }).optional(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().int().min(0) }).optional(),
});

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const openAIChatCompletionSchema = z.object({
  id: z.string().startsWith('chatcmpl-'),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.null().optional(),
          tool_calls: z.array(toolCallSchema).optional(),
        }),
        logprobs: z.null().optional(),
        finish_reason: finishReason,
      }),
    )
    .length(1),
  usage: usageSchema,
  system_fingerprint: z.string().nullable().optional(),
});

const toolCallDeltaSchema = z.object({
  index: z.number().int(),
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }),
});

export const openAIChatChunkSchema = z.object({
  id: z.string().startsWith('chatcmpl-'),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        tool_calls: z.array(toolCallDeltaSchema).optional(),
      }),
      logprobs: z.null().optional(),
      finish_reason: finishReason.nullable(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
});

export const openAIErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

export type OpenAIChatCompletion = z.infer<typeof openAIChatCompletionSchema>;
export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;
export type OpenAIUsage = z.infer<typeof usageSchema>;
export type OpenAIToolCall = z.infer<typeof toolCallSchema>;
