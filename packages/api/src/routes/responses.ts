import type { Context } from 'hono';
import { createThrottledLogger, GatewayError, parseResponsesRequest, quotePrefix, responseItemId, type ParsedResponsesRequest, type ToolCall } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import { answeredConversation, continueConversation, willStore } from '../responses/conversation.ts';
import { responseBody } from '../responses/response-object.ts';
import { responsesStreamFormat } from '../responses/response-stream.ts';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import { completionRoute } from './completion-route.ts';
import type { Dialect } from './dialect.ts';

/**
 * The Responses API dialect: `response` objects and the `response.*` event stream, with the
 * tenant's stored conversations for `previous_response_id`.
 */
export function createResponsesDialect(deps: Pick<AppDependencies, 'responseStore' | 'log'>): Dialect<ParsedResponsesRequest> {
  const store = deps.responseStore;
  const errors = createThrottledLogger(deps.log);
  /** Keeps the answer; a failure is logged, the answer still goes out (a later reference to it gets a 400). */
  const keep = (c: Context<GatewayEnv>, identity: CompletionIdentity, parsed: ParsedResponsesRequest, answer: { text: string; toolCalls: ToolCall[] }) =>
    store.set(c.get('tenant'), identity.id, answeredConversation(parsed, answer)).catch((error: unknown) => {
      errors.write('warn', 'response-store', { error: error instanceof Error ? error.message : String(error) }, 'response store unavailable; a response was not kept');
      return false;
    });
  return {
    name: 'responses',
    parse: parseResponsesRequest,
    newId: () => responseItemId('resp'),
    prepare: (c, parsed) => continueConversation(store, c.get('tenant'), parsed),
    async body(c, identity, parsed, answer) {
      const stored = willStore(store, parsed) && (await keep(c, identity, parsed, answer));
      return responseBody(identity, { wire: parsed.wire, store: stored }, answer);
    },
    streamFormat(c, identity, parsed) {
      const stored = willStore(store, parsed);
      // Issued before the terminal event is written: in Redis mode the write is queued on the
      // connection ahead of any read a follow-up request makes through it.
      return responsesStreamFormat(identity, { wire: parsed.wire, store: stored }, stored ? (answer) => void keep(c, identity, parsed, answer) : undefined);
    },
    // Messages do not map one to one onto input items (instructions add one, calls merge), so any
    // message is named as the input.
    paramName: (param) => (param.startsWith('messages') ? 'input' : param === 'response_format' ? 'text.format' : param),
  };
}

/** `POST /v1/responses`: the same path as chat completions, in the Responses API's shapes. */
export function responses(deps: AppDependencies) {
  return completionRoute(deps, createResponsesDialect(deps));
}

/** `/v1/responses/{id}` and below (retrieve, delete, input items): only conversations are kept, not Response objects. */
export function storedResponse(c: Context): never {
  const id = c.req.path.slice('/v1/responses/'.length).split('/')[0] ?? '';
  throw new GatewayError('not_found', `No response '${quotePrefix(id)}' to retrieve: this gateway keeps conversations for 'previous_response_id', not Response objects.`);
}
