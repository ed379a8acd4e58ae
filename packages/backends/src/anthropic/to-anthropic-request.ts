import type {
  MessageCreateParamsStreaming,
  MessageParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatRequest, ResponseFormat } from '@llm-gateway/shared';
import { resolveAnthropicModel } from './anthropic-models.ts';
import { JSON_TOOL_NAME, jsonAnswerTool, type JsonFormat } from '../json-answer-tool.ts';
import { appendTurn, toAssistantBlocks, toToolResultBlock, toUserBlocks } from './to-anthropic-content.ts';
import { passthroughParams } from './anthropic-passthrough.ts';

export { JSON_TOOL_NAME };

export interface AnthropicRequestOptions {
  /** Alias → model id table. */
  models: Readonly<Record<string, string>>;
  /** `max_tokens` when the client sets none (Anthropic requires one). */
  defaultMaxTokens: number;
}

/** An Anthropic request and what the answer's translation must know about it. */
export interface AnthropicRequestPlan {
  params: MessageCreateParamsStreaming;
  /** Set when a tool call of this name is the JSON answer, not a tool call. */
  jsonToolName: string | undefined;
}

/**
 * Translates a normalized chat request into an Anthropic Messages request (streaming), or sends
 * a Messages client's request on as it came ({@link passthroughParams}).
 * @throws GatewayError (400) for input Anthropic cannot take (e.g. unsupported images).
 */
export function toAnthropicRequest(request: ChatRequest, options: AnthropicRequestOptions): AnthropicRequestPlan {
  // A Messages client's own request needs no translation (and would lose fields in one).
  if (request.anthropic !== undefined) return { params: passthroughParams(request, request.anthropic, options), jsonToolName: undefined };
  const system: string[] = [];
  const messages: MessageParam[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        // Anthropic takes instructions only at the top; OpenAI allows them anywhere.
        system.push(message.content);
        break;
      case 'user':
        appendTurn(messages, 'user', toUserBlocks(message.content));
        break;
      case 'assistant':
        appendTurn(messages, 'assistant', toAssistantBlocks(message));
        break;
      case 'tool':
        appendTurn(messages, 'user', [toToolResultBlock(message)]);
        break;
    }
  }

  const params: MessageCreateParamsStreaming = {
    model: resolveAnthropicModel(request.model, options.models),
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
    messages,
    stream: true,
  };
  // `temperature` and `top_p` are not sent: the Messages API version this SDK speaks
  // (anthropic-version 2026-10-21) has no sampling parameters. Clients send them routinely,
  // so they are accepted and dropped rather than refused.
  if (request.stop !== undefined && request.stop.length > 0) params.stop_sequences = request.stop;
  if (request.user !== undefined) params.metadata = { user_id: request.user };

  const tools: Tool[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: toInputSchema(tool.parameters),
  }));
  let toolChoice = toToolChoice(request);
  let jsonToolName: string | undefined;

  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text' && typeof request.toolChoice !== 'object') {
    jsonToolName = JSON_TOOL_NAME;
    const callsAllowed = tools.length > 0 && request.toolChoice !== 'none';
    tools.push(jsonTool(format));
    if (callsAllowed) {
      // The model may still call the client's tools; its final answer must come through the JSON tool.
      toolChoice = { type: 'any', ...(request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {}) };
      system.push(`When you give your final answer, give it by calling the ${JSON_TOOL_NAME} tool.`);
    } else {
      toolChoice = { type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true };
    }
  }
  if (tools.length > 0) {
    params.tools = tools;
    if (toolChoice !== undefined) params.tool_choice = toolChoice;
  }
  if (system.length > 0) params.system = system.join('\n\n');
  return { params, jsonToolName };
}

function toToolChoice(request: ChatRequest): AnthropicToolChoice | undefined {
  const parallel = request.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const choice = request.toolChoice;
  if (choice === undefined) return request.parallelToolCalls === false ? { type: 'auto', ...parallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...parallel };
  if (choice === 'required') return { type: 'any', ...parallel };
  return { type: 'tool', name: choice.name, ...parallel };
}

/** Anthropic insists on an object schema; OpenAI allows leaving parameters out. */
function toInputSchema(parameters: Record<string, unknown> | undefined): Tool['input_schema'] {
  if (parameters === undefined) return { type: 'object', properties: {} };
  return { ...parameters, type: 'object' } as Tool['input_schema'];
}

function jsonTool(format: JsonFormat): Tool {
  const tool = jsonAnswerTool(format);
  return { name: tool.name, description: tool.description!, input_schema: tool.parameters as Tool['input_schema'] };
}
