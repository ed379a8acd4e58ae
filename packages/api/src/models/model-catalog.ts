import { CLAUDE_MODELS } from '@llm-gateway/backends';
import type { BackendName, Config } from '@llm-gateway/shared';

/** One entry of `GET /v1/models`. */
export interface ModelEntry {
  id: string;
  backend: BackendName;
  ownedBy: string;
}

/** Which models the gateway serves, and which backend serves each. */
export interface ModelCatalog {
  list(): readonly ModelEntry[];
  /** The backend for a model, or undefined when no backend serves it (a 404). */
  resolve(model: string): BackendName | undefined;
}

const OWNER: Record<BackendName, string> = { cli: 'anthropic', api: 'anthropic', mock: 'llm-gateway', openai: 'openai' };

/**
 * The catalog of the configured backend: the Claude aliases everywhere; the API backend also
 * passes full Anthropic model ids through, and the OpenAI-compatible backend forwards any name.
 */
export function createModelCatalog(config: Pick<Config, 'backend'>): ModelCatalog {
  const backend = config.backend;
  const entries: ModelEntry[] = CLAUDE_MODELS.map((id) => ({ id, backend, ownedBy: OWNER[backend] }));
  const known = new Map(entries.map((entry) => [entry.id, entry.backend]));
  return {
    list: () => entries,
    resolve: (model) => {
      const listed = known.get(model);
      if (listed) return listed;
      if (backend === 'api' && /^claude-[a-z0-9.-]+$/.test(model)) return backend;
      if (backend === 'openai') return backend;
      return undefined;
    },
  };
}
