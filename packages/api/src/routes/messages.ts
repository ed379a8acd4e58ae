import type { Context } from 'hono';
import { messageId, parseCountTokensRequest, parseMessagesRequest, type ParsedMessagesRequest } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import { anthropicStreamFormat, messageBody } from '../sse/anthropic-format.ts';
import { admitBody, completionRoute, routeOf } from './completion-route.ts';
import type { Dialect } from './dialect.ts';

/** Anthropic's Messages API: its request body, its Message and its event stream. */
export const messagesDialect: Dialect<ParsedMessagesRequest> = {
  name: 'messages',
  parse: parseMessagesRequest,
  newId: messageId,
  body: (_c, identity, _parsed, answer) => messageBody(identity, answer),
  // Only where the api backend may answer: elsewhere the copy would only cost memory (and Redis space).
  requestFor: (parsed, backends) => (backends.includes('api') ? { ...parsed.request, anthropic: parsed.passthrough } : parsed.request),
  streamFormat: (_c, identity) => anthropicStreamFormat(identity),
};

/** `POST /v1/messages`: the same pipeline as chat completions, in Anthropic's shapes. */
export function messages(deps: AppDependencies) {
  return completionRoute(deps, messagesDialect);
}

/**
 * `POST /v1/messages/count_tokens`: the gateway's own prompt estimate (o200k, the same count TPM
 * limits and the context-window check use), as `{"input_tokens": N}`. It takes a request from the
 * tenant's RPM budget like any other call, as counting a large prompt costs CPU.
 */
export function countTokens(deps: AppDependencies) {
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    const request = parseCountTokensRequest(await admitBody(c, deps));
    routeOf(deps, request.model);
    return c.json({ input_tokens: await deps.tenants.countPromptTokens(request) });
  };
}
