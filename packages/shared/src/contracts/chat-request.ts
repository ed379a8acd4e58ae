/**
 * The normalized chat request every backend receives: one shape whatever the client sent
 * (string or content-part content, `max_tokens` or `max_completion_tokens`, system or developer).
 * Plain JSON, so the same value travels in-process and through Redis.
 */
export interface ChatRequest {
  /** The model the client asked for, as it asked for it (an alias such as `claude-sonnet`). */
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  /** The client's end-user id, passed on where a backend supports it. */
  user?: string;
  /**
   * The client's own Anthropic Messages fields, for the backend that speaks Messages (`api`): sent
   * as they came, so what the normalized fields have no place for (`cache_control`, `is_error`,
   * block fields Anthropic adds later) is not lost on the way. Set only by the Messages front
   * end, and only when an `api` backend may serve the request; every other backend, and
   * everything else in the gateway (limits, token counts, logs), reads the normalized fields.
   */
  anthropic?: AnthropicPassthrough;
}

/** See {@link ChatRequest.anthropic}: validated by the Messages schema, otherwise as the client sent them. */
export interface AnthropicPassthrough {
  system?: unknown;
  messages: unknown[];
  tools?: unknown[];
  tool_choice?: unknown;
}

export type ChatMessage =
  /** System and developer instructions alike. */
  | { role: 'system'; content: string }
  | { role: 'user'; content: ContentPart[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high' };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model produced it. */
  arguments: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; description?: string; schema?: Record<string, unknown> };

/** The `tool` messages a request ends with, in order: the results of the calls of the turn before. */
export function trailingToolMessages(request: ChatRequest): Array<Extract<ChatMessage, { role: 'tool' }>> {
  let start = request.messages.length;
  while (start > 0 && request.messages[start - 1]!.role === 'tool') start -= 1;
  return request.messages.slice(start) as Array<Extract<ChatMessage, { role: 'tool' }>>;
}
