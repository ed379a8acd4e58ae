import type { Context } from 'hono';
import { GatewayError, parseResponsesRequest, quotePrefix, responseItemId, type ParsedResponsesRequest } from '@llm-gateway/shared';
import type { AppDependencies } from '../app-context.ts';
import { responseBody } from '../responses/response-object.ts';
import { responsesStreamFormat } from '../responses/response-stream.ts';
import { completionRoute } from './completion-route.ts';
import type { Dialect } from './dialect.ts';

/** The Responses API dialect: `response` objects and the `response.*` event stream. */
export const responsesDialect: Dialect<ParsedResponsesRequest> = {
  name: 'responses',
  parse: parseResponsesRequest,
  newId: () => responseItemId('resp'),
  body: (identity, parsed, answer) => responseBody(identity, parsed.wire, answer),
  streamFormat: (identity, parsed) => responsesStreamFormat(identity, parsed.wire),
  // Messages do not map one to one onto input items (instructions add one, calls merge), so any
  // message is named as the input.
  paramName: (param) => (param.startsWith('messages') ? 'input' : param === 'response_format' ? 'text.format' : param),
};

/** `POST /v1/responses`: the same path as chat completions, in the Responses API's shapes. */
export function responses(deps: AppDependencies) {
  return completionRoute(deps, responsesDialect);
}

/** `/v1/responses/{id}` and below (retrieve, delete, input items): nothing is stored, so nothing is found. */
export function storedResponse(c: Context): never {
  const id = c.req.path.slice('/v1/responses/'.length).split('/')[0] ?? '';
  throw new GatewayError('not_found', `No response '${quotePrefix(id)}': this gateway does not store responses ('store' is always false).`);
}
