import { CLAUDE_MODELS } from '@llm-gateway/backends';
import { GatewayError, quotePrefix, type BackendName, type Config } from '@llm-gateway/shared';

/** Where a model's jobs go. Built once at start-up and shared by every request for the model. */
/** 404 for a model the catalog does not have, worded as OpenAI words it (its `param` is null too). */
export function modelNotFoundError(model: string): GatewayError {
  return new GatewayError('model_not_found', `The model \`${quotePrefix(model)}\` does not exist or you do not have access to it.`);
}

export interface ModelRoute {
  /** The backend that takes the job first (`CompletionJob.backend`). */
  readonly backend: BackendName;
  /** The backends tried next, in order (`CompletionJob.fallbacks`); undefined when there are none. */
  readonly fallbacks: readonly BackendName[] | undefined;
}

/** One entry of `GET /v1/models`. */
export interface ModelEntry {
  id: string;
  /** The backend that serves it first. */
  backend: BackendName;
  ownedBy: string;
  route: ModelRoute;
}

/** Which models the gateway serves, and which backends serve each. */
export interface ModelCatalog {
  list(): readonly ModelEntry[];
  /** The route of a model, or undefined when no backend serves it (a 404). */
  route(model: string): ModelRoute | undefined;
  /** The first backend of the model's route. */
  resolve(model: string): BackendName | undefined;
}

const OWNER: Record<BackendName, string> = { cli: 'anthropic', api: 'anthropic', mock: 'llm-gateway', openai: 'openai' };
const ANTHROPIC_MODEL_ID = /^claude-[a-z0-9.-]+$/;

interface PrefixRoute {
  prefix: string;
  route: ModelRoute;
}

/**
 * The catalog of the configured routing:
 * 1. models named in the table (`LLM_MODELS`, `LLM_MODELS_FILE`), and the built-in Claude aliases,
 *    which `LLM_BACKEND` serves unless the table names them;
 * 2. the table's prefix patterns (`claude-*=api`), longest prefix first;
 * 3. what `LLM_BACKEND` passes through by itself: full Anthropic ids for `api`, any name for `openai`.
 * Only the first group is listed by `GET /v1/models`.
 */
export function createModelCatalog(config: Pick<Config, 'backend' | 'modelTable'>): ModelCatalog {
  const fallbackRoute = toRoute([config.backend]);
  const exact = new Map<string, ModelEntry>();
  for (const id of CLAUDE_MODELS) exact.set(id, toEntry(id, fallbackRoute));
  const prefixes: PrefixRoute[] = [];
  for (const [model, backends] of config.modelTable ?? []) {
    if (model.endsWith('*')) prefixes.push({ prefix: model.slice(0, -1), route: toRoute(backends) });
    else exact.set(model, toEntry(model, toRoute(backends)));
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  const passThrough = (model: string): boolean =>
    config.backend === 'openai' || (config.backend === 'api' && ANTHROPIC_MODEL_ID.test(model));
  const entries = [...exact.values()];

  const route = (model: string): ModelRoute | undefined => {
    const listed = exact.get(model);
    if (listed) return listed.route;
    for (const pattern of prefixes) if (model.startsWith(pattern.prefix)) return pattern.route;
    return passThrough(model) ? fallbackRoute : undefined;
  };
  return {
    list: () => entries,
    route,
    resolve: (model) => route(model)?.backend,
  };
}

function toRoute(backends: readonly BackendName[]): ModelRoute {
  const [backend, ...fallbacks] = backends;
  if (backend === undefined) throw new Error('a route needs a backend');
  return { backend, fallbacks: fallbacks.length > 0 ? fallbacks : undefined };
}

function toEntry(id: string, route: ModelRoute): ModelEntry {
  return { id, backend: route.backend, ownedBy: OWNER[route.backend], route };
}
