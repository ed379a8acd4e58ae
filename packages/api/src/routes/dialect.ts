import type { Context } from 'hono';
import type { BackendName, ChatRequest, CollectedAnswer } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import type { StreamFormat } from '../sse/stream-completion.ts';

/** The API dialects the gateway speaks; a bounded metric label. */
export type DialectName = 'chat' | 'messages' | 'responses';

/** What every dialect's parser yields: the normalized request and whether to stream it. */
export interface ParsedCompletion {
  request: ChatRequest;
  stream: boolean;
}

/**
 * One front end (chat completions, Messages, Responses): how its body is read and its answer written.
 * Everything between (limits, cache, dispatch, metrics, logs) is the same for all of them.
 */
export interface Dialect<Parsed extends ParsedCompletion> {
  name: DialectName;
  /** @throws GatewayError 400 naming the bad param. */
  parse(body: unknown): Parsed;
  /** A fresh id for one answer (`chatcmpl-…`, `msg_…`, `resp_…`); also the job's id. */
  newId(): string;
  /**
   * Runs after parsing and the model check, before limits and dispatch: may complete the request
   * from state the dialect keeps (a Responses request's `previous_response_id`).
   * @defaultValue nothing to do
   */
  prepare?(c: Context<GatewayEnv>, parsed: Parsed): Promise<void>;
  /**
   * The request the routed backends get, when a dialect has more to give one of them than the
   * normalized request (the Messages body for `api`).
   * @defaultValue `parsed.request`
   */
  requestFor?(parsed: Parsed, backends: readonly BackendName[]): ChatRequest;
  /** The non-streaming answer (a promise when the dialect first keeps the answer somewhere). */
  body(c: Context<GatewayEnv>, identity: CompletionIdentity, parsed: Parsed, answer: CollectedAnswer): unknown;
  /** The writer of one streamed answer. */
  streamFormat(c: Context<GatewayEnv>, identity: CompletionIdentity, parsed: Parsed): StreamFormat;
  /**
   * The dialect's name for a param of the normalized request, which checks past parsing (prompt
   * caps, backends) name in chat completion terms (`messages`, `response_format`).
   * @defaultValue the same name
   */
  paramName?(param: string): string;
}
