import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolChoice } from './chat-request.ts';
import { openAIChatRequestSchema, type OpenAIChatRequest, type OpenAIMessage } from './openai-request.ts';
import { openAIValidationError } from './openai-fault-message.ts';

/** A request checked and normalized, plus what only the HTTP layer needs. */
export interface ParsedChatRequest {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * Checks an OpenAI request body and turns it into the backend-neutral {@link ChatRequest}.
 * @throws GatewayError naming the first bad `param` with OpenAI's code and wording for the fault.
 */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_value', 'The request body must be a JSON object.');
  }
  const result = openAIChatRequestSchema.safeParse(body);
  if (!result.success) throw openAIValidationError(result.error, body, openAIChatRequestSchema);
  const wire = result.data;
  if (wire.n !== undefined && wire.n !== null && wire.n !== 1) {
    throw new GatewayError('unsupported_value', `Unsupported value: 'n' does not support ${wire.n} with this gateway. Supported values are: 1.`, { param: 'n' });
  }
  return {
    request: normalizeChatRequest(wire),
    stream: wire.stream === true,
    includeUsage: wire.stream === true && wire.stream_options?.include_usage === true,
  };
}

function normalizeChatRequest(wire: OpenAIChatRequest): ChatRequest {
  const request: ChatRequest = { model: wire.model, messages: wire.messages.map(normalizeMessage) };
  const maxTokens = wire.max_completion_tokens ?? wire.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  if (wire.temperature != null) request.temperature = wire.temperature;
  if (wire.top_p != null) request.topP = wire.top_p;
  if (wire.stop != null) request.stop = typeof wire.stop === 'string' ? [wire.stop] : wire.stop;
  if (wire.tools && wire.tools.length > 0) {
    request.tools = wire.tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description === undefined ? {} : { description: fn.description }),
      ...(fn.parameters === undefined ? {} : { parameters: fn.parameters }),
    }));
  }
  if (wire.tool_choice !== undefined) request.toolChoice = normalizeToolChoice(wire.tool_choice);
  if (wire.parallel_tool_calls !== undefined) request.parallelToolCalls = wire.parallel_tool_calls;
  if (wire.response_format !== undefined) request.responseFormat = normalizeResponseFormat(wire.response_format);
  if (wire.user !== undefined) request.user = wire.user;
  return request;
}

function normalizeToolChoice(choice: NonNullable<OpenAIChatRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

function normalizeResponseFormat(format: NonNullable<OpenAIChatRequest['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, description, schema } = format.json_schema;
  return {
    type: 'json_schema',
    name,
    ...(description === undefined ? {} : { description }),
    ...(schema === undefined ? {} : { schema }),
  };
}

function joinText(content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? part.refusal ?? '').join('');
}

function normalizeMessage(message: OpenAIMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(message.content) };
    case 'user':
      return { role: 'user', content: normalizeUserContent(message.content) };
    case 'assistant': {
      const normalized: ChatMessage = { role: 'assistant', content: message.content ? joinText(message.content) : '' };
      if (message.tool_calls && message.tool_calls.length > 0) {
        normalized.toolCalls = message.tool_calls.map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        }));
      }
      return normalized;
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: joinText(message.content) };
  }
}

function normalizeUserContent(content: Extract<OpenAIMessage, { role: 'user' }>['content']): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part): ContentPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    const image: ContentPart = { type: 'image', url: part.image_url.url };
    if (part.image_url.detail) image.detail = part.image_url.detail;
    return image;
  });
}
