import type { CollectedAnswer } from '@llm-gateway/backends';
import { GatewayError, quotePrefix, type ChatMessage, type ParsedResponsesRequest } from '@llm-gateway/shared';
import type { ResponseStore } from './response-store.ts';

const PARAM = 'previous_response_id';

/**
 * Puts the conversation of `previous_response_id` before the request's input, as OpenAI does
 * (the earlier `instructions` are not carried over: the request's own apply).
 * @throws GatewayError 400 `previous_response_not_found` (never stored, expired, evicted, or
 * another tenant's), 503 when the store cannot be read.
 */
export async function continueConversation(store: ResponseStore, tenant: string, parsed: ParsedResponsesRequest): Promise<void> {
  const previousId = parsed.wire.previous_response_id;
  if (previousId == null) return;
  if (!store.enabled) {
    throw new GatewayError('unsupported_value', `'${PARAM}' needs the response store, which is off here (LLM_RESPONSE_STORE_ENTRIES=0); send the conversation as 'input'.`, {
      param: PARAM,
    });
  }
  let previous: ChatMessage[] | undefined;
  try {
    previous = await store.get(tenant, previousId);
  } catch (error) {
    throw new GatewayError('backend_unavailable', 'The response store is unavailable; retry, or send the conversation as input.', { retryAfter: 1, cause: error });
  }
  if (!previous) {
    throw new GatewayError('previous_response_not_found', `Previous response with id '${quotePrefix(previousId)}' not found.`, { param: PARAM });
  }
  parsed.input = [...previous, ...parsed.input];
  parsed.request.messages = [...parsed.instructions, ...parsed.input];
}

/** Whether a response to `parsed` is kept: unless it says `store: false`, when the store is on. */
export function willStore(store: ResponseStore, parsed: ParsedResponsesRequest): boolean {
  return store.enabled && parsed.wire.store !== false;
}

/** What is kept for a response: its input (after what it continued) and its answer as one assistant message. */
export function answeredConversation(parsed: ParsedResponsesRequest, answer: Pick<CollectedAnswer, 'text' | 'toolCalls'>): ChatMessage[] {
  const reply: ChatMessage = { role: 'assistant', content: answer.text };
  if (answer.toolCalls.length > 0) reply.toolCalls = answer.toolCalls;
  return [...parsed.input, reply];
}
