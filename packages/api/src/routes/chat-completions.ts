import { completionId, parseChatRequest, type ParsedChatRequest } from '@llm-gateway/shared';
import type { AppDependencies } from '../app-context.ts';
import { completionBody, openAIStreamFormat } from '../sse/openai-format.ts';
import { completionRoute } from './completion-route.ts';
import type { Dialect } from './dialect.ts';

/** OpenAI's chat completions: its request body, its response and its chunks. */
export const chatDialect: Dialect<ParsedChatRequest> = {
  name: 'chat',
  parse: parseChatRequest,
  newId: completionId,
  body: completionBody,
  streamFormat: (identity, parsed) => openAIStreamFormat(identity, parsed.includeUsage),
};

/** `POST /v1/chat/completions`: validate, hand the job to the dispatcher, answer as OpenAI does. */
export function chatCompletions(deps: AppDependencies) {
  return completionRoute(deps, chatDialect);
}
