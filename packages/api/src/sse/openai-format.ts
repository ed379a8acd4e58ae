import type { CollectedAnswer, FinishReason, GatewayError, OpenAIChatCompletion, OpenAIUsage, StreamPart, Usage } from '@llm-gateway/shared';
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
  if (usage.reasoningTokens !== undefined) openAIUsage.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
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

/**
 * The fixed text around every chunk of one completion, built once per stream: a delta chunk is
 * then the prefix, one `JSON.stringify` of the delta's own string, and the suffix, rather than a
 * whole object stringified per token (the per-chunk cost `pnpm bench -- streams` measures).
 * With `include_usage`, every chunk before the usage chunk carries `"usage":null`, as OpenAI's do.
 */
export interface ChunkFrame {
  /** `data: {"id":…,"choices":[{"index":0,"delta":` */
  readonly choicePrefix: string;
  /** `,"logprobs":null,"finish_reason":null}]` and the chunk's end (`,"usage":null}` with include_usage). */
  readonly openSuffix: string;
  /** `data: {"id":…,"system_fingerprint":null,"choices":` */
  readonly head: string;
  /** What ends every chunk but the usage chunk: `}` or `,"usage":null}`, then the blank line. */
  readonly usageTail: string;
}

export function chunkFrame(identity: CompletionIdentity, includeUsage: boolean): ChunkFrame {
  const head = `data: {"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)},"system_fingerprint":null,"choices":`;
  const usageTail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  return { head, usageTail, choicePrefix: `${head}[{"index":0,"delta":`, openSuffix: `,"logprobs":null,"finish_reason":null}]${usageTail}` };
}

function chunk(frame: ChunkFrame, delta: Record<string, unknown>, finishReason: FinishReason | null): string {
  if (finishReason === null) return frame.choicePrefix + JSON.stringify(delta) + frame.openSuffix;
  return `${frame.choicePrefix}${JSON.stringify(delta)},"logprobs":null,"finish_reason":"${finishReason}"}]${frame.usageTail}`;
}

/** The first chunk: OpenAI announces the role before any content. */
export function roleChunk(frame: ChunkFrame): string {
  return `${frame.choicePrefix}{"role":"assistant","content":"","refusal":null}${frame.openSuffix}`;
}

/** A content or tool-call chunk for one stream part, or undefined for parts that have none. */
export function deltaChunk(frame: ChunkFrame, part: StreamPart): string | undefined {
  if (part.type === 'text-delta') {
    return part.text === '' ? undefined : `${frame.choicePrefix}{"content":${JSON.stringify(part.text)}}${frame.openSuffix}`;
  }
  if (part.type !== 'tool-call-delta') return undefined;
  const call: Record<string, unknown> = { index: part.index };
  const fn: Record<string, string> = { arguments: part.argumentsDelta };
  if (part.id !== undefined) {
    call.id = part.id;
    call.type = 'function';
  }
  if (part.name !== undefined) fn.name = part.name;
  call.function = fn;
  return chunk(frame, { tool_calls: [call] }, null);
}

export function finishChunk(frame: ChunkFrame, finishReason: FinishReason): string {
  return chunk(frame, {}, finishReason);
}

/** The usage chunk of `stream_options.include_usage`: empty `choices`, as OpenAI sends it. */
export function usageChunk(frame: ChunkFrame, usage: Usage): string {
  return `${frame.head}[],"usage":${JSON.stringify(toOpenAIUsage(usage))}}\n\n`;
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
  const frame = chunkFrame(identity, includeUsage);
  return {
    start: () => roleChunk(frame),
    delta: (part) => deltaChunk(frame, part),
    finish(finishReason, usage) {
      let text = finishChunk(frame, finishReason);
      if (includeUsage && usage) text += usageChunk(frame, usage);
      return text + DONE_EVENT;
    },
    fail: (error: GatewayError) => errorEvent(error.toBody()),
  };
}
