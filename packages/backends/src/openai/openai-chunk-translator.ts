import type { FinishReason, StreamPart, Usage } from '@llm-gateway/shared';

/** Turns OpenAI `chat.completion.chunk` objects into stream parts. */
export interface OpenAIChunkTranslator {
  push(chunk: unknown): StreamPart[];
  /** The closing usage and finish parts, once the upstream said why it stopped; else undefined. */
  end(): StreamPart[] | undefined;
  readonly producedOutput: boolean;
}

interface WireToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/** Creates a translator for one upstream answer (first choice only: the gateway serves n=1). */
export function createOpenAIChunkTranslator(): OpenAIChunkTranslator {
  const seenCalls = new Set<number>();
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let producedOutput = false;

  function push(chunk: unknown): StreamPart[] {
    const value = chunk as { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: string | null }>; usage?: unknown };
    if (value.usage) usage = toUsage(value.usage);
    const choice = value.choices?.[0];
    if (!choice) return [];
    if (choice.finish_reason) finishReason = choice.finish_reason;
    const delta = choice.delta ?? {};
    const parts: StreamPart[] = [];
    if (typeof delta['content'] === 'string' && delta['content'] !== '') parts.push({ type: 'text-delta', text: delta['content'] });
    const calls = Array.isArray(delta['tool_calls']) ? (delta['tool_calls'] as WireToolCallDelta[]) : [];
    calls.forEach((call, position) => parts.push(toolCallDelta(call, position)));
    if (parts.length > 0) producedOutput = true;
    return parts;
  }

  function toolCallDelta(call: WireToolCallDelta, position: number): StreamPart {
    const index = call.index ?? position;
    const argumentsDelta = call.function?.arguments ?? '';
    if (seenCalls.has(index)) return { type: 'tool-call-delta', index, argumentsDelta };
    seenCalls.add(index);
    return {
      type: 'tool-call-delta',
      index,
      ...(call.id === undefined ? {} : { id: call.id }),
      ...(call.function?.name === undefined ? {} : { name: call.function.name }),
      argumentsDelta,
    };
  }

  return {
    push,
    end: () => {
      if (finishReason === undefined) return undefined;
      const finish: StreamPart = { type: 'finish', finishReason: mapOpenAIFinishReason(finishReason, seenCalls.size > 0) };
      return usage === undefined ? [finish] : [{ type: 'usage', usage }, finish];
    },
    get producedOutput() {
      return producedOutput;
    },
  };
}

/**
 * The upstream's finish reason, normalized. Some compatible servers (older Ollama) say `stop`
 * after tool calls; clients key on `tool_calls`.
 */
export function mapOpenAIFinishReason(reason: string, toolCallsMade: boolean): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return toolCallsMade ? 'tool_calls' : 'stop';
  }
}

/**
 * A non-streamed `chat.completion` (servers that ignore `stream: true`) as the chunks a
 * streamed one would have been.
 */
export function completionToChunks(completion: unknown): unknown[] {
  const value = completion as { choices?: Array<{ message?: Record<string, unknown>; finish_reason?: string }>; usage?: unknown };
  const choice = value.choices?.[0];
  const message = choice?.message ?? {};
  const calls = Array.isArray(message['tool_calls']) ? (message['tool_calls'] as Array<Record<string, unknown>>) : [];
  const delta = {
    content: typeof message['content'] === 'string' ? message['content'] : '',
    tool_calls: calls.map((call, index) => ({ index, ...call })),
  };
  return [{ choices: [{ delta, finish_reason: choice?.finish_reason ?? 'stop' }], usage: value.usage }];
}

function toUsage(wire: unknown): Usage {
  const value = wire as {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
  };
  const usage: Usage = { promptTokens: value.prompt_tokens ?? 0, completionTokens: value.completion_tokens ?? 0 };
  const cached = value.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.cachedPromptTokens = cached;
  const reasoning = value.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  return usage;
}
