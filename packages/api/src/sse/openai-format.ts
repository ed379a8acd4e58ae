import type { CollectedAnswer } from '@llm-gateway/backends';
import type { FinishReason, GatewayError, OpenAIChatCompletion, OpenAIUsage, StreamPart, Usage } from '@llm-gateway/shared';
import type { StreamFormat } from './stream-completion.ts';

/** What every chunk and response of one completion shares. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function toOpenAIUsage(usage: Usage): OpenAIUsage {
  const openAIUsage: OpenAIUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (usage.cachedPromptTokens !== undefined) openAIUsage.prompt_tokens_details = { cached_tokens: usage.cachedPromptTokens };
  return openAIUsage;
}

/** The non-streaming response. */
export function completionBody(identity: CompletionIdentity, answer: CollectedAnswer): OpenAIChatCompletion {
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: answer.text === '' && answer.toolCalls.length > 0 ? null : answer.text,
    refusal: null,
  };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
    usage: toOpenAIUsage(answer.usage),
    system_fingerprint: null,
  };
}

/** One `data:` line of the stream, ready to write. */
function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** A `chat.completion.chunk` with the completion's id, time and model. */
function chunkEvent(identity: CompletionIdentity, choices: unknown[], usage?: OpenAIUsage): string {
  return sseData({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices,
    ...(usage ? { usage } : {}),
  });
}

function chunk(identity: CompletionIdentity, delta: Record<string, unknown>, finishReason: FinishReason | null): string {
  return chunkEvent(identity, [{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);
}

/** The first chunk: OpenAI announces the role before any content. */
export function roleChunk(identity: CompletionIdentity): string {
  return chunk(identity, { role: 'assistant', content: '', refusal: null }, null);
}

/** A content or tool-call chunk for one stream part, or undefined for parts that have none. */
export function deltaChunk(identity: CompletionIdentity, part: StreamPart): string | undefined {
  if (part.type === 'text-delta') return part.text === '' ? undefined : chunk(identity, { content: part.text }, null);
  if (part.type !== 'tool-call-delta') return undefined;
  const call: Record<string, unknown> = { index: part.index };
  const fn: Record<string, string> = { arguments: part.argumentsDelta };
  if (part.id !== undefined) {
    call.id = part.id;
    call.type = 'function';
  }
  if (part.name !== undefined) fn.name = part.name;
  call.function = fn;
  return chunk(identity, { tool_calls: [call] }, null);
}

export function finishChunk(identity: CompletionIdentity, finishReason: FinishReason): string {
  return chunk(identity, {}, finishReason);
}

/** The usage chunk of `stream_options.include_usage`: empty `choices`, as OpenAI sends it. */
export function usageChunk(identity: CompletionIdentity, usage: Usage): string {
  return chunkEvent(identity, [], toOpenAIUsage(usage));
}

/** A failure after the stream began: the OpenAI client raises it as an APIError. */
export function errorEvent(body: unknown): string {
  return sseData(body);
}

export const DONE_EVENT = 'data: [DONE]\n\n';

/**
 * The chat completion stream: a role chunk, content and tool-call chunks, one finish chunk (and
 * the usage chunk with `include_usage`), then `[DONE]`; a failure is one error event, no `[DONE]`.
 */
export function chatStreamFormat(identity: CompletionIdentity, includeUsage: boolean): StreamFormat {
  return {
    start: () => roleChunk(identity),
    delta: (part) => deltaChunk(identity, part),
    finish(finishReason, usage) {
      let text = finishChunk(identity, finishReason);
      if (includeUsage && usage) text += usageChunk(identity, usage);
      return text + DONE_EVENT;
    },
    fail: (error: GatewayError) => errorEvent(error.toBody()),
  };
}
