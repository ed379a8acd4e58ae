import { chunkJson, chunkText, estimateTokens } from '../fake-anthropic/anthropic-events.ts';

/** One tool call the fake model makes; `arguments` is JSON text, as OpenAI sends it. */
export interface FakeOpenAIToolCall {
  /** @defaultValue `call_fake_<n>_<index>` */
  id?: string;
  name: string;
  arguments: string;
}

export interface FakeOpenAIUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cached_tokens?: number;
}

/** What the fake OpenAI-compatible upstream answers with. */
export type FakeOpenAIReply =
  | {
      kind: 'text';
      text: string;
      /** @defaultValue `'stop'` */
      finishReason?: 'stop' | 'length' | 'content_filter';
      usage?: FakeOpenAIUsage;
      /** Pause between streamed chunks. @defaultValue 0 */
      chunkDelayMs?: number;
    }
  | { kind: 'tool_calls'; calls: FakeOpenAIToolCall[]; text?: string; usage?: FakeOpenAIUsage }
  | {
      kind: 'error';
      status: number;
      message?: string;
      /** OpenAI error `type`. @defaultValue derived from the status */
      type?: string;
      headers?: Record<string, string>;
      /** On a streaming request: send this many text chunks, then an `{"error":…}` data line. */
      afterChunks?: number;
    }
  | { kind: 'hang' }
  | { kind: 'stall'; text: string; afterChunks: number };

export interface CompletionContext {
  id: string;
  model: string;
  created: number;
  promptTokens: number;
}

interface Built {
  text: string;
  calls: Array<Required<FakeOpenAIToolCall>>;
  finishReason: string;
  usage: Record<string, unknown>;
}

/** Resolves a text or tool_calls reply into its content, finish reason and usage. */
export function buildCompletion(reply: Extract<FakeOpenAIReply, { kind: 'text' | 'tool_calls' }>, context: CompletionContext): Built {
  const text = reply.text ?? '';
  const calls = reply.kind === 'tool_calls'
    ? reply.calls.map((call, index) => ({ id: call.id ?? `call_fake_${context.id.slice(-6)}_${index}`, name: call.name, arguments: call.arguments }))
    : [];
  const completionTokens = reply.usage?.completion_tokens ?? estimateTokens(text + calls.map((call) => call.arguments).join(''));
  const promptTokens = reply.usage?.prompt_tokens ?? context.promptTokens;
  const usage: Record<string, unknown> = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (reply.usage?.cached_tokens !== undefined) usage['prompt_tokens_details'] = { cached_tokens: reply.usage.cached_tokens };
  const finishReason = reply.kind === 'tool_calls' ? 'tool_calls' : (reply.finishReason ?? 'stop');
  return { text, calls, finishReason, usage };
}

/** The non-streaming `chat.completion` object. */
export function completionBody(built: Built, context: CompletionContext): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: built.text === '' && built.calls.length > 0 ? null : built.text };
  if (built.calls.length > 0) {
    message['tool_calls'] = built.calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: built.finishReason }],
    usage: built.usage,
  };
}

/** A `chat.completion.chunk` with one choice delta (or none, for the usage chunk). */
export function chunk(context: CompletionContext, delta: Record<string, unknown> | undefined, finishReason: string | null = null, usage?: unknown): Record<string, unknown> {
  return {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    choices: delta === undefined ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(usage === undefined ? {} : { usage }),
  };
}

/** The chunks of a streamed answer, in OpenAI's order; the usage chunk only when asked for. */
export function completionChunks(built: Built, context: CompletionContext, includeUsage: boolean): Array<Record<string, unknown>> {
  const chunks = [chunk(context, { role: 'assistant', content: '' })];
  for (const text of chunkText(built.text)) chunks.push(chunk(context, { content: text }));
  built.calls.forEach((call, index) => {
    chunks.push(chunk(context, { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of chunkJson(call.arguments)) chunks.push(chunk(context, { tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(chunk(context, {}, built.finishReason));
  if (includeUsage) chunks.push(chunk(context, undefined, null, built.usage));
  return chunks;
}

/** The OpenAI error `type` for a status. */
export function openAIErrorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error'; // OpenAI says "requests" / "tokens"; any type will do
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
