import { GatewayError, type ChatRequest } from '@llm-gateway/shared';
import { toImageBlock } from '../anthropic/to-anthropic-content.ts';

/**
 * Refuses what the CLI cannot honour, with a 400 naming the field, rather than dropping it: an
 * image URL the upstream could not take, tools and tool choice (sessions run with every tool
 * disabled), and JSON output formats (the CLI has no structured-output switch). Runs before a
 * session is taken, so a bad image never costs one.
 */
export function checkCliRequest(request: ChatRequest): GatewayError | undefined {
  for (const [messageIndex, message] of request.messages.entries()) {
    if (message.role !== 'user') continue;
    for (const [partIndex, part] of message.content.entries()) {
      if (part.type !== 'image') continue;
      try {
        toImageBlock(part.url);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        return new GatewayError('invalid_value', error.message, { param: `messages[${messageIndex}].content[${partIndex}].image_url.url` });
      }
    }
  }
  if (request.tools !== undefined && request.tools.length > 0) {
    return unsupported('tools', 'Tools are not supported by the cli backend (its sessions run with every tool disabled); use LLM_BACKEND=api for function calling.');
  }
  if (request.toolChoice !== undefined && request.toolChoice !== 'none' && request.toolChoice !== 'auto') {
    return unsupported('tool_choice', 'tool_choice is not supported by the cli backend: it has no tools to call.');
  }
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') {
    return unsupported('response_format', `response_format ${request.responseFormat.type} is not supported by the cli backend; use LLM_BACKEND=api, or ask for JSON in the prompt.`);
  }
  return undefined;
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_value', message, { param });
}
