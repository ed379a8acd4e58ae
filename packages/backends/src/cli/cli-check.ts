import { GatewayError, type ChatRequest } from '@llm-gateway/shared';
import { toImageBlock } from '../anthropic/to-anthropic-content.ts';

/**
 * Refuses what the CLI cannot honour, with a 400 naming the field, rather than dropping it: an
 * image URL the upstream could not take, and JSON output formats (not carried through the CLI
 * yet). Tools are served to the session (cli-mcp-server.ts). Runs before a session is taken, so a
 * bad image never costs one.
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
  const choice = request.toolChoice;
  if (typeof choice === 'object' && !(request.tools ?? []).some((tool) => tool.name === choice.name)) {
    return new GatewayError('invalid_value', "tool_choice names a function that is not among the request's tools.", { param: 'tool_choice' });
  }
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') {
    return unsupported('response_format', `response_format ${request.responseFormat.type} is not supported by the cli backend; use LLM_BACKEND=api, or ask for JSON in the prompt.`);
  }
  return undefined;
}

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_value', message, { param });
}
