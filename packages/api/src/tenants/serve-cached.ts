import type { Context } from 'hono';
import { completionId, type ParsedChatRequest } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import type { CompletionRecorder } from '../routes/completion-recorder.ts';
import { completionBody, type CompletionIdentity } from '../sse/openai-format.ts';
import { streamCompletion } from '../sse/stream-completion.ts';
import { replayAnswer } from './answer-events.ts';
import type { CachedAnswer } from './response-cache.ts';

/**
 * Answers from the cache, as JSON or as the same SSE stream a fresh answer gets, under a new
 * completion id. Nothing is dispatched, so there is nothing to cancel.
 */
export function serveCached(c: Context<GatewayEnv>, parsed: ParsedChatRequest, answer: CachedAnswer, recorder: CompletionRecorder): Promise<Response> | Response {
  const now = Date.now();
  const identity: CompletionIdentity = { id: completionId(), created: Math.floor(now / 1000), model: parsed.request.model };
  if (parsed.stream) {
    const events = replayAnswer(answer);
    return streamCompletion(c, { identity, events, cancel: new AbortController(), includeUsage: parsed.includeUsage, recorder, cleanup: () => {} });
  }
  recorder.finish({ status: 200, usage: answer.usage, sessionId: null });
  return c.json(completionBody(identity, answer));
}
