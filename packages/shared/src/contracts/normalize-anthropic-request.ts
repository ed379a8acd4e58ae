import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.ts';
import type { AnthropicPassthrough, ChatMessage, ChatRequest, ContentPart, ToolChoice } from './chat-request.ts';
import { anthropicPassthrough } from './anthropic-passthrough.ts';
import {
  anthropicCountTokensSchema,
  anthropicMessagesRequestSchema,
  type AnthropicCountTokensRequest,
  type AnthropicMessage,
  type AnthropicMessagesRequest,
} from './anthropic-request.ts';
import { anthropicValidationError } from './anthropic-fault-message.ts';

/** A Messages request checked and normalized, plus what only the HTTP layer needs. */
export interface ParsedMessagesRequest {
  request: ChatRequest;
  stream: boolean;
  /** The fields the `api` backend may send on unchanged ({@link ChatRequest.anthropic}). */
  passthrough: AnthropicPassthrough;
}

/**
 * Checks an Anthropic Messages body and turns it into the backend-neutral {@link ChatRequest}:
 * the same request a chat completion becomes, so both go down one backend path.
 * @throws GatewayError `invalid_value` naming the first bad param.
 */
export function parseMessagesRequest(body: unknown): ParsedMessagesRequest {
  const wire = check(anthropicMessagesRequestSchema, body);
  const request = normalizeConversation(wire);
  request.maxTokens = wire.max_tokens;
  if (wire.temperature !== undefined) request.temperature = wire.temperature;
  if (wire.top_p !== undefined) request.topP = wire.top_p;
  if (wire.stop_sequences !== undefined && wire.stop_sequences.length > 0) request.stop = wire.stop_sequences;
  const user = wire.metadata?.user_id;
  if (user !== undefined && user !== null) request.user = user;
  return { request, stream: wire.stream === true, passthrough: anthropicPassthrough(body as Record<string, unknown>) };
}

/** The body of `POST /v1/messages/count_tokens` as the request whose prompt is counted. */
export function parseCountTokensRequest(body: unknown): ChatRequest {
  return normalizeConversation(check(anthropicCountTokensSchema, body));
}

function check<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_value', 'The request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw anthropicValidationError(result.error, body, schema);
  return result.data;
}

function normalizeConversation(wire: AnthropicCountTokensRequest | AnthropicMessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (wire.system !== undefined) pushSystem(messages, wire.system);
  wire.messages.forEach((message, index) => normalizeMessage(messages, message, index));
  const request: ChatRequest = { model: wire.model, messages };
  if (wire.tools && wire.tools.length > 0) {
    request.tools = wire.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema,
    }));
  }
  const choice = wire.tool_choice;
  if (choice !== undefined) {
    request.toolChoice = toToolChoice(choice);
    if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  }
  return request;
}

function toToolChoice(choice: NonNullable<AnthropicMessagesRequest['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return { name: choice.name };
  }
}

function joinText(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((block) => block.text ?? '').join('\n\n');
}

function pushSystem(messages: ChatMessage[], content: string | ReadonlyArray<{ type: 'text'; text: string }>): void {
  const text = joinText(content);
  if (text !== '') messages.push({ role: 'system', content: text });
}

function normalizeMessage(messages: ChatMessage[], message: AnthropicMessage, index: number): void {
  switch (message.role) {
    case 'system':
      pushSystem(messages, message.content);
      return;
    case 'assistant':
      messages.push(normalizeAssistant(message.content));
      return;
    case 'user':
      normalizeUser(messages, message.content, index);
  }
}

function normalizeAssistant(content: Extract<AnthropicMessage, { role: 'assistant' }>['content']): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const toolCalls = [];
  for (const block of content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
  }
  return toolCalls.length > 0 ? { role: 'assistant', content: text, toolCalls } : { role: 'assistant', content: text };
}

/**
 * A user turn: each `tool_result` becomes a `tool` message (in order, first, as Anthropic requires
 * them at the start of the turn), the text and image blocks one user message after them.
 */
function normalizeUser(messages: ChatMessage[], content: Extract<AnthropicMessage, { role: 'user' }>['content'], index: number): void {
  if (typeof content === 'string') {
    messages.push({ role: 'user', content: [{ type: 'text', text: content }] });
    return;
  }
  const parts: ContentPart[] = [];
  content.forEach((block, blockIndex) => {
    if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push({ type: 'image', url: imageUrl(block.source) });
    else messages.push({ role: 'tool', toolCallId: block.tool_use_id, content: toolResultText(block.content, index, blockIndex) });
  });
  if (parts.length > 0) messages.push({ role: 'user', content: parts });
}

function toolResultText(content: string | ReadonlyArray<{ type: string; text?: string }> | undefined, index: number, blockIndex: number): string {
  if (content === undefined) return '';
  if (typeof content !== 'string' && content.some((block) => block.type === 'image')) {
    // The normalized tool message holds text only: refused rather than silently dropped.
    throw new GatewayError('unsupported_value', 'Images inside tool_result blocks are not supported yet; send them as a user image block.', {
      param: `messages[${index}].content[${blockIndex}].content`,
    });
  }
  return joinText(content);
}

/** An Anthropic image source as the URL the normalized request carries (a data URL for base64). */
function imageUrl(source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }): string {
  return source.type === 'url' ? source.url : `data:${source.media_type};base64,${source.data}`;
}
