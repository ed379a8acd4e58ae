import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolChoice } from './chat-request.ts';
import { openAIChatRequestSchema, type OpenAIChatRequest, type OpenAIMessage } from './openai-request.ts';
import { QUOTE_CHARS, quotePrefix } from './string-caps.ts';

/** The longest validation detail an error message carries: the messages never quote the value. */
const MAX_DETAIL_CHARS = 200;

/** A request checked and normalized, plus what only the HTTP layer needs. */
export interface ParsedChatRequest {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
}

/**
 * Checks an OpenAI request body and turns it into the backend-neutral {@link ChatRequest}.
 * @throws GatewayError `invalid_value` naming the first bad `param`.
 */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_value', 'The request body must be a JSON object.');
  }
  const result = openAIChatRequestSchema.safeParse(body);
  if (!result.success) throw validationError(result.error);
  const wire = result.data;
  if (wire.n !== undefined && wire.n !== null && wire.n !== 1) {
    throw new GatewayError('unsupported_value', `Only n=1 is supported, got n=${wire.n}.`, { param: 'n' });
  }
  return {
    request: normalizeChatRequest(wire),
    stream: wire.stream === true,
    includeUsage: wire.stream === true && wire.stream_options?.include_usage === true,
  };
}

/** The first issue of a failed schema check, as a 400 naming its `param` (never quoting the value). */
export function validationError(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  let param = issue ? formatParam(issue.path) : null;
  let detail = issue?.message ?? 'invalid request';
  if (issue?.code === 'invalid_key') {
    // The path ends with the bad key itself, which may be megabytes long: name the record instead.
    param = formatParam(issue.path.slice(0, -1));
    detail = `a key ${issue.issues[0]?.message ?? 'is invalid'}`;
  }
  detail = quotePrefix(detail, MAX_DETAIL_CHARS);
  const message = param ? `Invalid value for '${param}': ${detail}` : `Invalid request: ${detail}`;
  return new GatewayError('invalid_value', message, { param });
}

/**
 * `['messages', 0, 'content']` → `messages[0].content`, as OpenAI names params. A key the client
 * chose (a metadata key) is quoted only up to a short prefix.
 */
export function formatParam(path: readonly PropertyKey[]): string | null {
  let param = '';
  for (const key of path) {
    if (typeof key === 'number') param += `[${key}]`;
    else {
      const name = quotePrefix(String(key), QUOTE_CHARS);
      param += param === '' ? name : `.${name}`;
    }
  }
  return param === '' ? null : param;
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
