import type { ChatMessage, ChatRequest } from '@llm-gateway/shared';

/** How the upstream names the answer-length limit: OpenAI itself wants the newer name. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

export interface OpenAIRequestOptions {
  maxTokensField: MaxTokensField;
  /** Ask for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** Client model name → upstream model name; unlisted names pass through. */
  models: Readonly<Record<string, string>>;
}

/**
 * The normalized request back in OpenAI's wire format, always streamed. Only fields the client
 * could set are sent, so an upstream with fewer features (Ollama, vLLM) sees a minimal body.
 */
export function toOpenAIRequest(request: ChatRequest, options: OpenAIRequestOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: Object.hasOwn(options.models, request.model) ? options.models[request.model] : request.model,
    messages: request.messages.map(toOpenAIMessage),
    stream: true,
  };
  if (options.includeUsage) body['stream_options'] = { include_usage: true };
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body['stop'] = request.stop;
  if (request.user !== undefined) body['user'] = request.user;
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
      },
    }));
    if (request.parallelToolCalls !== undefined) body['parallel_tool_calls'] = request.parallelToolCalls;
  }
  const choice = request.toolChoice;
  if (choice !== undefined) body['tool_choice'] = typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  const format = request.responseFormat;
  if (format !== undefined) {
    body['response_format'] =
      format.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name,
              ...(format.description === undefined ? {} : { description: format.description }),
              ...(format.schema === undefined ? {} : { schema: format.schema }),
            },
          }
        : { type: format.type };
  }
  return body;
}

function toOpenAIMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user': {
      const [only] = message.content;
      // A lone text part goes as a plain string: some compatible servers take nothing else.
      if (message.content.length === 1 && only?.type === 'text') return { role: 'user', content: only.text };
      return {
        role: 'user',
        content: message.content.map((part) =>
          part.type === 'text'
            ? { type: 'text', text: part.text }
            : { type: 'image_url', image_url: { url: part.url, ...(part.detail === undefined ? {} : { detail: part.detail }) } },
        ),
      };
    }
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      return {
        role: 'assistant',
        content: message.content === '' && calls.length > 0 ? null : message.content,
        ...(calls.length === 0
          ? {}
          : { tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}
