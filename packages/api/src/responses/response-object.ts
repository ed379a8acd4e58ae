import type { CollectedAnswer } from '@llm-gateway/backends';
import { responseItemId, type FinishReason, type GatewayError, type ResponsesRequest, type ToolCall, type Usage } from '@llm-gateway/shared';
import type { CompletionIdentity } from '../sse/openai-format.ts';

/** An output item of a Response: the assistant's text, or one function call. */
export type ResponseOutputItem =
  | {
      id: string;
      type: 'message';
      status: ItemStatus;
      role: 'assistant';
      content: Array<{ type: 'output_text'; text: string; annotations: []; logprobs: [] }>;
    }
  | { id: string; type: 'function_call'; status: ItemStatus; call_id: string; name: string; arguments: string };

/** An output item's status: `incomplete` when the token limit (or a failure) cut it short. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';
/** A Response's status; the gateway has no `queued` or `cancelled` (no background runs). */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** `usage` as the Responses API reports it. */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What a Response echoes of its request and the gateway's handling of it. */
export interface ResponseSettings {
  wire: ResponsesRequest;
  /** Whether the response is kept for `previous_response_id`. */
  store: boolean;
}

/** What a Response says about how it ended, beyond its output. */
export interface ResponseState {
  status: ResponseStatus;
  output: ResponseOutputItem[];
  usage?: Usage | undefined;
  finishReason?: FinishReason;
  error?: GatewayError;
}

/** The normalized usage in the Responses API's words. */
export function toResponsesUsage(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedPromptTokens ?? 0 },
    output_tokens: usage.completionTokens,
    // No backend reports reasoning tokens apart: they are in the output tokens, if anywhere.
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** A message item holding `text`. */
export function messageItem(text: string, status: ItemStatus, id = responseItemId('msg')): Extract<ResponseOutputItem, { type: 'message' }> {
  return { id, type: 'message', status, role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
}

/** A function call item; `call_id` is the backend's id of the call, which the client answers with. */
export function functionCallItem(call: ToolCall, status: ItemStatus, id = responseItemId('fc')): Extract<ResponseOutputItem, { type: 'function_call' }> {
  return { id, type: 'function_call', status, call_id: call.id || responseItemId('fc'), name: call.name, arguments: call.arguments };
}

/** The status a finished answer gets: one cut short by the token limit (or a filter) is `incomplete`. */
export function finishedStatus(finishReason: FinishReason): 'completed' | 'incomplete' {
  return finishReason === 'length' || finishReason === 'content_filter' ? 'incomplete' : 'completed';
}

/** The Response object: the answer so far in `state`, with the request's settings echoed as the Responses API does. */
export function responseObject(identity: CompletionIdentity, settings: ResponseSettings, state: ResponseState): Record<string, unknown> {
  const { wire } = settings;
  const done = state.status === 'completed' || state.status === 'incomplete';
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.created,
    status: state.status,
    background: false,
    completed_at: done ? Math.floor(Date.now() / 1000) : null,
    error: state.error ? { code: state.error.code === 'rate_limit_exceeded' ? 'rate_limit_exceeded' : 'server_error', message: state.error.message } : null,
    incomplete_details: state.status === 'incomplete' ? { reason: state.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } : null,
    instructions: wire.instructions ?? null,
    max_output_tokens: wire.max_output_tokens ?? null,
    metadata: wire.metadata ?? {},
    model: identity.model,
    output: state.output,
    parallel_tool_calls: wire.parallel_tool_calls ?? true,
    previous_response_id: wire.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: settings.store,
    temperature: wire.temperature ?? null,
    text: { format: wire.text?.format ?? { type: 'text' } },
    tool_choice: wire.tool_choice ?? 'auto',
    tools: (wire.tools ?? []).map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: wire.top_p ?? null,
    truncation: 'disabled',
    usage: state.usage ? toResponsesUsage(state.usage) : null,
    user: wire.user ?? null,
  };
}

/** The non-streaming Response: a message item for the text (or when there is nothing else), then the calls. */
export function responseBody(identity: CompletionIdentity, settings: ResponseSettings, answer: CollectedAnswer): Record<string, unknown> {
  const status = finishedStatus(answer.finishReason);
  const output: ResponseOutputItem[] = [];
  if (answer.text !== '' || answer.toolCalls.length === 0) output.push(messageItem(answer.text, status));
  for (const call of answer.toolCalls) output.push(functionCallItem(call, 'completed'));
  return responseObject(identity, settings, { status, output, usage: answer.usage, finishReason: answer.finishReason });
}
