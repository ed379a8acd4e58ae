import type { CollectedAnswer } from '@llm-gateway/shared';
import { toAnthropicError, type FinishReason, type ToolCall, type Usage } from '@llm-gateway/shared';
import type { CompletionIdentity } from './openai-format.ts';
import type { StreamFormat } from './stream-completion.ts';

/** Why the model stopped, in Anthropic's words. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/**
 * The normalized finish reason as Anthropic's `stop_reason`: a `stop` is `stop_sequence` when the
 * backend said which sequence stopped it (the api backend does), else `end_turn`.
 */
export function toStopReason(finishReason: FinishReason, stopSequence?: string): AnthropicStopReason {
  if (finishReason === 'stop' && stopSequence !== undefined) return 'stop_sequence';
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case 'stop':
    default:
      return 'end_turn';
  }
}

/** Anthropic counts cached prompt tokens apart from `input_tokens`; the normalized usage includes them. */
export function toAnthropicUsage(usage: Usage): Record<string, number> {
  const cached = usage.cachedPromptTokens ?? 0;
  return {
    input_tokens: usage.promptTokens - cached,
    output_tokens: usage.completionTokens,
    ...(usage.cachedPromptTokens === undefined ? {} : { cache_read_input_tokens: cached }),
  };
}

/** Tool-call arguments as the `input` object Anthropic's clients expect; text that is not an object is wrapped, not lost. */
function toolInput(call: ToolCall): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(call.arguments);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // wrapped below
  }
  return { arguments: call.arguments };
}

/** The non-streaming Message. */
export function messageBody(identity: CompletionIdentity, answer: CollectedAnswer): Record<string, unknown> {
  const content: Array<Record<string, unknown>> = [];
  if (answer.text !== '' || answer.toolCalls.length === 0) content.push({ type: 'text', text: answer.text });
  for (const call of answer.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call) });
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content,
    stop_reason: toStopReason(answer.finishReason, answer.stopSequence),
    stop_sequence: answer.stopSequence ?? null,
    usage: toAnthropicUsage(answer.usage),
  };
}

/** One named SSE event, as Anthropic writes them. */
function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Anthropic's event sequence: `message_start`, a `ping`, per content block `content_block_start`,
 * its deltas and `content_block_stop`, then `message_delta` (stop reason, usage) and
 * `message_stop`; a failure is one `error` event. Text and each tool call are blocks of their own,
 * opened when their first delta arrives.
 */
export function anthropicStreamFormat(identity: CompletionIdentity): StreamFormat {
  let blocks = 0;
  /** The open block: `text`, or the normalized index of the tool call it holds. */
  let open: 'text' | number | undefined;
  const close = (): string => {
    if (open === undefined) return '';
    open = undefined;
    return event('content_block_stop', { index: blocks - 1 });
  };
  const start = (block: Record<string, unknown>, kind: 'text' | number): string => {
    const text = close() + event('content_block_start', { index: blocks, content_block: block });
    blocks += 1;
    open = kind;
    return text;
  };
  return {
    start: () =>
      event('message_start', {
        message: {
          id: identity.id,
          type: 'message',
          role: 'assistant',
          model: identity.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // Known only at the end (the normalized stream reports usage last): message_delta carries it.
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }) + event('ping', {}),
    delta(part) {
      if (part.type === 'text-delta') {
        if (part.text === '') return undefined;
        const opening = open === 'text' ? '' : start({ type: 'text', text: '' }, 'text');
        return opening + event('content_block_delta', { index: blocks - 1, delta: { type: 'text_delta', text: part.text } });
      }
      const opening = open === part.index ? '' : start({ type: 'tool_use', id: part.id ?? '', name: part.name ?? '', input: {} }, part.index);
      if (part.argumentsDelta === '') return opening === '' ? undefined : opening;
      return opening + event('content_block_delta', { index: blocks - 1, delta: { type: 'input_json_delta', partial_json: part.argumentsDelta } });
    },
    finish(finishReason, usage, stopSequence) {
      // An answer with no content still has one (empty) text block, as Anthropic sends it.
      const empty = blocks === 0 ? start({ type: 'text', text: '' }, 'text') : '';
      return (
        empty +
        close() +
        event('message_delta', {
          delta: { stop_reason: toStopReason(finishReason, stopSequence), stop_sequence: stopSequence ?? null },
          usage: usage ? toAnthropicUsage(usage) : { output_tokens: 0 },
        }) +
        event('message_stop', {})
      );
    },
    fail: (error) => event('error', { error: toAnthropicError(error).body.error }),
  };
}
