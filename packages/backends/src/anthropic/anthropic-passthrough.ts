import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { AnthropicPassthrough, ChatRequest } from '@llm-gateway/shared';
import { resolveAnthropicModel } from './anthropic-models.ts';
import type { AnthropicRequestOptions } from './to-anthropic-request.ts';

/**
 * A Messages request sent on as its client wrote it ({@link ChatRequest.anthropic}): its
 * system, messages, tools and tool choice unchanged, cache_control and all. The model alias is
 * resolved, and the token limit, stop sequences and end-user id come from the normalized request,
 * which holds them without loss.
 */
export function passthroughParams(request: ChatRequest, passthrough: AnthropicPassthrough, options: AnthropicRequestOptions): MessageCreateParamsStreaming {
  const params = {
    model: resolveAnthropicModel(request.model, options.models),
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
    messages: passthrough.messages,
    stream: true,
  } as MessageCreateParamsStreaming;
  if (passthrough.system !== undefined) params.system = passthrough.system as MessageCreateParamsStreaming['system'];
  if (passthrough.tools !== undefined) params.tools = passthrough.tools as MessageCreateParamsStreaming['tools'];
  if (passthrough.tool_choice !== undefined) params.tool_choice = passthrough.tool_choice as MessageCreateParamsStreaming['tool_choice'];
  if (request.stop !== undefined && request.stop.length > 0) params.stop_sequences = request.stop;
  if (request.user !== undefined) params.metadata = { user_id: request.user };
  return params;
}
