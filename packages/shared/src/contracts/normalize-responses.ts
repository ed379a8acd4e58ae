import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolChoice } from './chat-request.ts';
import { formatParam, openAIValidationError } from './openai-fault-message.ts';
import { responsesRequestSchema, type ResponsesInputItem, type ResponsesRequest } from './responses-request.ts';
import { quotePrefix } from './string-caps.ts';

/** A Responses API request checked and normalized, plus the wire values its answer echoes. */
export interface ParsedResponsesRequest {
  request: ChatRequest;
  stream: boolean;
  /** The request as checked: the Response object repeats its settings (tools, instructions, ...). */
  wire: ResponsesRequest;
  /** The messages of `input` alone: what a stored conversation keeps (instructions are not carried over). */
  input: ChatMessage[];
  /** The system message `instructions` became, if any. */
  instructions: ChatMessage[];
}

const INPUT_ITEM_TYPES = new Set(['message', 'function_call', 'function_call_output']);
/** Set on a request, these need state or services the gateway does not keep (`previous_response_id` it does). */
const STATEFUL_PARAMS = ['conversation', 'prompt'] as const;

/**
 * Checks a `POST /v1/responses` body and turns it into the backend-neutral {@link ChatRequest}:
 * `instructions` become the system message, input items become messages (consecutive
 * `function_call` items one assistant message with its tool calls), `max_output_tokens` the
 * token limit and `text.format` the response format.
 * @throws GatewayError `unsupported_value` for features the gateway does not serve,
 * `invalid_value` naming the first bad `param` otherwise.
 */
export function parseResponsesRequest(body: unknown): ParsedResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_value', 'The request body must be a JSON object.');
  }
  refuseUnsupported(body as Record<string, unknown>);
  const result = responsesRequestSchema.safeParse(body);
  if (!result.success) throw openAIValidationError(result.error, body, responsesRequestSchema);
  const wire = result.data;
  const instructions: ChatMessage[] = wire.instructions ? [{ role: 'system', content: wire.instructions }] : [];
  const input: ChatMessage[] = [];
  for (const item of wire.input) appendItem(input, item);
  return { request: normalizeResponsesRequest(wire, [...instructions, ...input]), stream: wire.stream === true, wire, input, instructions };
}

/**
 * What the schema would only call a shape mismatch gets a clear refusal: conversations and
 * prompt templates, background runs, hosted tools, file inputs and other item types.
 */
function refuseUnsupported(body: Record<string, unknown>): void {
  for (const param of STATEFUL_PARAMS) {
    if (body[param] !== undefined && body[param] !== null) {
      throw unsupported(param, `'${param}' is not supported: this gateway keeps no conversations or prompts; send the conversation as 'input', or chain with 'previous_response_id'.`);
    }
  }
  if (body.background === true) throw unsupported('background', "'background' responses are not supported; stream instead.");
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, index) => {
      const type = typeOf(tool);
      if (type !== undefined && type !== 'function') {
        throw unsupported(`tools[${index}].type`, `Tool type '${quotePrefix(type)}' is not supported; only 'function' tools are.`);
      }
    });
  }
  const choice = typeOf(body.tool_choice);
  if (choice !== undefined && choice !== 'function') {
    throw unsupported('tool_choice.type', `Tool choice type '${quotePrefix(choice)}' is not supported; use 'none', 'auto', 'required' or a function.`);
  }
  if (Array.isArray(body.input)) body.input.forEach(refuseUnsupportedItem);
}

function refuseUnsupportedItem(item: unknown, index: number): void {
  const type = typeOf(item);
  if (type !== undefined && !INPUT_ITEM_TYPES.has(type)) {
    throw unsupported(`input[${index}].type`, `Input items of type '${quotePrefix(type)}' are not supported; send messages, function_call and function_call_output items.`);
  }
  const content = (item as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return;
  content.forEach((part, partIndex) => {
    const partType = typeOf(part);
    const param = formatParam(['input', index, 'content', partIndex]);
    if (partType === 'input_file' || partType === 'input_audio') {
      throw unsupported(`${param}.type`, `Content parts of type '${partType}' are not supported; send text and images.`);
    }
    const image = part as { image_url?: unknown; file_id?: unknown };
    if (partType === 'input_image' && image.file_id != null && image.image_url == null) {
      throw unsupported(`${param}.file_id`, "Images by 'file_id' are not supported (no file store); send 'image_url' (an http(s) or data URL).");
    }
  });
}

function typeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_value', message, { param });
}

function normalizeResponsesRequest(wire: ResponsesRequest, messages: ChatMessage[]): ChatRequest {
  const request: ChatRequest = { model: wire.model, messages };
  if (wire.max_output_tokens != null) request.maxTokens = wire.max_output_tokens;
  if (wire.temperature != null) request.temperature = wire.temperature;
  if (wire.top_p != null) request.topP = wire.top_p;
  if (wire.tools && wire.tools.length > 0) {
    request.tools = wire.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description == null ? {} : { description: tool.description }),
      ...(tool.parameters == null ? {} : { parameters: tool.parameters }),
    }));
  }
  if (wire.tool_choice !== undefined) request.toolChoice = normalizeToolChoice(wire.tool_choice);
  if (wire.parallel_tool_calls != null) request.parallelToolCalls = wire.parallel_tool_calls;
  const format = wire.text?.format;
  if (format !== undefined) request.responseFormat = normalizeFormat(format);
  if (wire.user !== undefined) request.user = wire.user;
  return request;
}

function appendItem(messages: ChatMessage[], item: ResponsesInputItem): void {
  switch (item.type) {
    case 'message':
      messages.push(normalizeMessage(item));
      return;
    case 'function_call': {
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      // Responses lists an assistant turn's text and each of its calls as separate items; chat
      // requests (and every backend) carry them as one assistant message.
      const last = messages.at(-1);
      if (last?.role === 'assistant') (last.toolCalls ??= []).push(call);
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({ role: 'tool', toolCallId: item.call_id, content: joinText(item.output) });
      return;
  }
}

function normalizeMessage(item: Extract<ResponsesInputItem, { type: 'message' }>): ChatMessage {
  switch (item.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(item.content) };
    case 'assistant':
      return { role: 'assistant', content: joinText(item.content) };
    case 'user':
      return { role: 'user', content: normalizeUserContent(item.content) };
  }
}

function normalizeUserContent(content: Extract<ResponsesInputItem, { role: 'user' }>['content']): ContentPart[] {
  return content.map((part): ContentPart => {
    if (part.type === 'input_text') return { type: 'text', text: part.text };
    const image: ContentPart = { type: 'image', url: part.image_url };
    if (part.detail) image.detail = part.detail;
    return image;
  });
}

function joinText(content: string | ReadonlyArray<{ text: string } | { refusal: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((part) => ('text' in part ? part.text : part.refusal)).join('');
}

function normalizeToolChoice(choice: NonNullable<ResponsesRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.name };
}

function normalizeFormat(format: NonNullable<NonNullable<ResponsesRequest['text']>['format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    ...(format.description == null ? {} : { description: format.description }),
    schema: format.schema,
  };
}
