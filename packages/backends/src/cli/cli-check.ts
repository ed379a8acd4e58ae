import { GatewayError, type ChatRequest } from '@llm-gateway/shared';
import { toImageBlock } from '../anthropic/to-anthropic-content.ts';
import { CLI_JSON_TOOL } from './cli-json-answer.ts';

/**
 * Refuses what the CLI cannot honour, with a 400 naming the field, rather than dropping it: an
 * image URL the upstream could not take, a named `tool_choice` that names no tool, and a tool that
 * would shadow the JSON answer tool. Tools and JSON output are served to the session through its
 * MCP server. Runs before a session is taken, so a bad request never costs one.
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
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text' && request.tools?.some((tool) => tool.name === CLI_JSON_TOOL)) {
    return new GatewayError('invalid_value', `A tool may not be named ${CLI_JSON_TOOL} when response_format asks for JSON: the cli backend answers through a tool of that name.`, { param: 'tools' });
  }
  return undefined;
}
