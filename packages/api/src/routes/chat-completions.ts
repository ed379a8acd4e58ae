import { completionId, parseChatRequest, type ParsedChatRequest } from '@llm-gateway/shared';
import type { AppDependencies } from '../app-context.ts';
import { chatStreamFormat, completionBody } from '../sse/openai-format.ts';
import { completionRoute } from './completion-route.ts';
import type { Dialect } from './dialect.ts';

/** The chat completions dialect: OpenAI's `chat.completion` objects and chunks. */
export const chatDialect: Dialect<ParsedChatRequest> = {
  name: 'chat',
  parse: parseChatRequest,
  newId: completionId,
  body: (_c, identity, _parsed, answer) => completionBody(identity, answer),
  streamFormat: (_c, identity, parsed) => chatStreamFormat(identity, parsed.includeUsage),
};

/** `POST /v1/chat/completions`: validate, hand the job to the dispatcher, answer as OpenAI does. */
export function chatCompletions(deps: AppDependencies) {
  return completionRoute(deps, chatDialect);
}
