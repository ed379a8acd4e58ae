import type { CollectedAnswer } from '@llm-gateway/backends';
import type { BackendName, ChatRequest } from '@llm-gateway/shared';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import type { StreamFormat } from '../sse/stream-format.ts';

/** The front ends, as the bounded `dialect` label of the request metrics names them. */
export type DialectName = 'chat' | 'messages' | 'responses';

/** What every dialect's parser yields: the normalized request, and whether to stream. */
export interface ParsedCompletion {
  request: ChatRequest;
  stream: boolean;
}

/**
 * One front end of the completion pipeline: how its body is read and how an answer is written
 * back. Everything between (tenants, limits, cache, dispatch, metrics, logs) is shared.
 */
export interface Dialect<Parsed extends ParsedCompletion = ParsedCompletion> {
  name: DialectName;
  /** @throws GatewayError 400 naming the bad param. */
  parse(body: unknown): Parsed;
  /** A fresh id for one answer (`chatcmpl-…`, `msg_…`). */
  newId(): string;
  /** The non-streaming response body. */
  body(identity: CompletionIdentity, answer: CollectedAnswer): unknown;
  /**
   * The request the routed backends get, when a dialect has more to give one of them than the
   * normalized request (the Messages body for `api`). @defaultValue `parsed.request`
   */
  requestFor?(parsed: Parsed, backends: readonly BackendName[]): ChatRequest;
  /** The SSE events of a streamed answer. */
  streamFormat(identity: CompletionIdentity, parsed: Parsed): StreamFormat;
}
