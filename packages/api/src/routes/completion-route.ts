import type { Context } from 'hono';
import { collectAnswer } from '@llm-gateway/shared';
import { GatewayError, toGatewayError, type CompletionJob, type JobEvent } from '@llm-gateway/shared';
import type { AppDependencies, GatewayEnv } from '../app-context.ts';
import type { CompletionIdentity } from '../sse/openai-format.ts';
import { streamCompletion } from '../sse/stream-completion.ts';
import { CompletionRecorder } from './completion-recorder.ts';
import type { Dialect, ParsedCompletion } from './dialect.ts';
import { onClientGone } from '../middleware/client-gone.ts';
import { readBody } from '../middleware/read-body.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.ts';
import { serveCached } from '../tenants/serve-cached.ts';
import { CACHE_HEADER } from '../tenants/cache-policy.ts';
import { modelNotFoundError, type ModelRoute } from '../models/model-catalog.ts';

/**
 * A completion endpoint in `dialect`: validate, hand the job to the dispatcher, answer in the
 * dialect's shape. Admission, cache, dispatch, metrics and logs are one path for every dialect.
 */
export function completionRoute<Parsed extends ParsedCompletion>(deps: AppDependencies, dialect: Dialect<Parsed>) {
  const knownModels = new Set(deps.catalog.list().map((entry) => entry.id));
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    deps.lifecycle.inflight += 1;
    const requestId = c.get('requestId');
    const recorder = new CompletionRecorder(deps.metrics, deps.log, requestId, knownModels, (outcome, latencyMs) => {
      deps.lifecycle.inflight -= 1;
      deps.activity.record({
        at: Date.now(),
        latencyMs,
        status: outcome.status,
        model: recorder.model,
        dialect: dialect.name,
        requestId,
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
        ...(outcome.errorMessage ? { errorMessage: outcome.errorMessage } : {}),
      });
    });
    recorder.dialect = dialect.name;
    recorder.tenant = c.get('tenant');
    recorder.account = deps.tenants.account;
    try {
      return await handle(c, deps, dialect, recorder);
    } catch (error) {
      const failure = toGatewayError(error);
      recorder.finish({ status: failure.status, errorCode: failure.code, errorMessage: failure.message });
      throw inDialect(error, dialect);
    }
  };
}

/**
 * The body of a request the gateway takes: refused while draining, and taken from the tenant's
 * RPM budget before it is read, so a tenant over its RPM costs no reading, parsing or counting.
 */
export async function admitBody(c: Context<GatewayEnv>, deps: AppDependencies): Promise<unknown> {
  if (deps.lifecycle.draining) {
    throw new GatewayError('backend_unavailable', 'The gateway is shutting down; retry on another replica.', { retryAfter: 1 });
  }
  const admitted = deps.tenants.admitRequest(c);
  if (admitted) await admitted;
  return readJson(c, deps.config.maxBodyBytes);
}

/** The backends serving `model`. @throws GatewayError 404 `model_not_found`. */
export function routeOf(deps: AppDependencies, model: string): ModelRoute {
  const route = deps.catalog.route(model);
  if (!route) throw modelNotFoundError(model);
  return route;
}

async function handle<Parsed extends ParsedCompletion>(
  c: Context<GatewayEnv>,
  deps: AppDependencies,
  dialect: Dialect<Parsed>,
  recorder: CompletionRecorder,
): Promise<Response> {
  // Every answer says what the response cache did; the guard changes it on a miss or a hit.
  c.header(CACHE_HEADER, 'bypass');
  const parsed = dialect.parse(await admitBody(c, deps));
  recorder.model = parsed.request.model;
  recorder.stream = parsed.stream;
  const route = routeOf(deps, parsed.request.model);
  const backend = route.backend;
  recorder.backend = backend;
  if (dialect.prepare) await dialect.prepare(c, parsed);
  const request = dialect.requestFor?.(parsed, [backend, ...(route.fallbacks ?? [])]) ?? parsed.request;
  const admission = await deps.tenants.admit(c, request);
  recorder.cache = admission.cache;
  recorder.estimatedPromptTokens = admission.estimatedPromptTokens;
  if (admission.cached) return serveCached(c, dialect, parsed, admission.cached, recorder);
  const now = Date.now();
  const job: CompletionJob = {
    id: dialect.newId(),
    requestId: c.get('requestId'),
    tenant: c.get('tenant'),
    backend,
    fallbacks: route.fallbacks,
    request,
    stream: parsed.stream,
    deadline: now + deps.config.requestTimeoutMs,
    acceptedAt: now,
  };
  const identity: CompletionIdentity = { id: job.id, created: Math.floor(now / 1000), model: parsed.request.model };

  const cancel = new AbortController();
  const stopWatching = onClientGone(c, () => cancel.abort(new GatewayError('client_closed', 'The client closed the request.')));
  const events = admission.track(deps.dispatcher.run(job, cancel.signal, { controller: cancel })[Symbol.asyncIterator]());

  if (parsed.stream) {
    const format = dialect.streamFormat(c, identity, parsed);
    return streamCompletion(c, { format, events, cancel, recorder, cleanup: stopWatching, deadline: job.deadline });
  }
  let sessionId: string | null = null;
  try {
    const answer = await collectAnswer({ [Symbol.asyncIterator]: () => events }, (event: JobEvent) => {
      if (event.type !== 'job-started') return;
      sessionId = event.sessionId;
      // A fallback may have answered: the metrics name the backend that did.
      if (event.backend) recorder.backend = event.backend;
    });
    const body = await dialect.body(c, identity, parsed, answer);
    recorder.finish({ status: 200, usage: answer.usage, sessionId });
    return c.json(body);
  } finally {
    stopWatching();
  }
}

/** The error with its `param` named as the dialect names it. */
function inDialect(error: unknown, dialect: Dialect<ParsedCompletion>): unknown {
  if (!(error instanceof GatewayError) || error.param === null || !dialect.paramName) return error;
  const param = dialect.paramName(error.param);
  if (param === error.param) return error;
  return new GatewayError(error.code, error.message, {
    param,
    status: error.status,
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    cause: error,
  });
}

async function readJson(c: Context<GatewayEnv>, maxBytes: number): Promise<unknown> {
  const text = await readBody(c, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError(
      'invalid_json',
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The gateway expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
  // Recursive code further on (JSON.stringify, structured clone) overflows the stack on deep nesting.
  if (nestedDeeperThan(value)) {
    throw new GatewayError('invalid_value', `The JSON body of your request is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  return value;
}
