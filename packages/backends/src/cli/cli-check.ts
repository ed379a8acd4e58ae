import { GatewayError, type ChatRequest } from '@llm-gateway/shared';

/**
 * Refuses what the CLI cannot honour, with a 400 naming the field, rather than dropping it:
 * images (the stream-json prompt carries text only here), tools and tool choice (sessions run
 * with every tool disabled), and JSON output formats (the CLI has no structured-output switch).
 */
export function checkCliRequest(request: ChatRequest): GatewayError | undefined {
  for (const [messageIndex, message] of request.messages.entries()) {
    if (message.role !== 'user') continue;
    const imageIndex = message.content.findIndex((part) => part.type === 'image');
    if (imageIndex >= 0) {
      return unsupported(`messages[${messageIndex}].content[${imageIndex}]`, 'Images are not supported by the cli backend; send text only, or use LLM_BACKEND=api.');
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
