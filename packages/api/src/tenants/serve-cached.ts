import type { Context } from 'hono';
import type { GatewayEnv } from '../app-context.ts';
import type { CompletionRecorder } from '../routes/completion-recorder.ts';
import type { Dialect, ParsedCompletion } from '../routes/dialect.ts';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import { streamCompletion } from '../sse/stream-completion.ts';
import { replayAnswer } from './answer-events.ts';
import type { CachedAnswer } from './response-cache.ts';

/**
 * Answers from the cache, as JSON or as the same SSE stream a fresh answer gets, under a new id,
 * in the dialect that asked. Nothing is dispatched, so there is nothing to cancel.
 */
export async function serveCached<Parsed extends ParsedCompletion>(
  c: Context<GatewayEnv>,
  dialect: Dialect<Parsed>,
  parsed: Parsed,
  answer: CachedAnswer,
  recorder: CompletionRecorder,
): Promise<Response> {
  const now = Date.now();
  const identity: CompletionIdentity = { id: dialect.newId(), created: Math.floor(now / 1000), model: parsed.request.model };
  if (parsed.stream) {
    const events = replayAnswer(answer);
    const format = dialect.streamFormat(c, identity, parsed);
    return streamCompletion(c, { format, events, cancel: new AbortController(), recorder, cleanup: () => {} });
  }
  const body = await dialect.body(c, identity, parsed, answer);
  recorder.finish({ status: 200, usage: answer.usage, sessionId: null });
  return c.json(body);
}
