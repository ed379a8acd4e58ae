import { readFileSync } from 'node:fs';
import { ConfigError } from './config.ts';
import { BACKEND_NAMES, type BackendName } from './contracts/job.ts';

/**
 * The operator's model → backend table (`LLM_MODELS`, `LLM_MODELS_FILE`): for each model id, the
 * backends to try in order. A model id ending in `*` is a prefix pattern (`claude-*`, or `*` for
 * every model). Insertion order is kept: it is the order `GET /v1/models` lists them in.
 */
export type ModelTable = ReadonlyMap<string, readonly BackendName[]>;

const BACKENDS: ReadonlySet<string> = new Set(BACKEND_NAMES);
// Model ids as providers spell them: `gpt-4o`, `llama3.1:8b`, `meta-llama/Llama-3-8B`, `claude-*`.
const MODEL_ID = /^[A-Za-z0-9][\w.:/@+-]*\*?$|^\*$/;

/**
 * Parses `LLM_MODELS`: `model=backend|backend,…`, e.g.
 * `claude-sonnet=cli|api,claude-haiku=api,gpt-4o=openai,claude-*=api`. Entries are separated by
 * commas or newlines; the backends of one entry by `|`, in the order they are tried.
 * @throws Error naming the bad entry.
 */
export function parseModelTable(text: string): Map<string, BackendName[]> {
  const table = new Map<string, BackendName[]>();
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [model, backends, ...rest] = entry.split('=').map((part) => part.trim());
    if (!model || !backends || rest.length > 0) throw new Error(`expected model=backend|backend, got ${JSON.stringify(entry)}`);
    addEntry(table, model, backends.split('|').map((name) => name.trim()));
  }
  return table;
}

/**
 * Parses the JSON of `LLM_MODELS_FILE`: an object from model id to its backends, as an array or as
 * `LLM_MODELS` writes them: `{"claude-sonnet": ["cli", "api"], "gpt-4o": "openai"}`.
 * @throws Error naming the bad entry.
 */
export function parseModelTableJson(value: unknown): Map<string, BackendName[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('expected a JSON object from model id to backends, e.g. {"gpt-4o": ["openai"]}');
  }
  const table = new Map<string, BackendName[]>();
  for (const [model, backends] of Object.entries(value)) {
    if (typeof backends === 'string') addEntry(table, model, backends.split('|').map((name) => name.trim()));
    else if (Array.isArray(backends) && backends.every((name) => typeof name === 'string')) addEntry(table, model, backends);
    else throw new Error(`${JSON.stringify(model)}: expected a backend name or an array of them`);
  }
  return table;
}

/**
 * The table from `LLM_MODELS_FILE` (read now) with `LLM_MODELS` applied over it: an entry of the
 * variable replaces the file's entry for the same model.
 * @throws ConfigError naming the variable at fault.
 */
export function loadModelTable(text: string | undefined, filePath: string | undefined): ModelTable {
  const table = new Map<string, readonly BackendName[]>();
  if (filePath !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (error) {
      const reason = error instanceof SyntaxError ? `is not JSON: ${error.message}` : `cannot read ${filePath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
      throw new ConfigError('LLM_MODELS_FILE', reason);
    }
    for (const [model, backends] of parseOrFail('LLM_MODELS_FILE', () => parseModelTableJson(json))) table.set(model, backends);
  }
  if (text !== undefined) {
    for (const [model, backends] of parseOrFail('LLM_MODELS', () => parseModelTable(text))) {
      table.delete(model); // re-inserted, so the variable's order wins
      table.set(model, backends);
    }
  }
  return table;
}

/** Every backend the table names, `defaultBackend` first: what a supervisor has to host. */
export function tableBackends(table: ModelTable, defaultBackend: BackendName): BackendName[] {
  const names = new Set<BackendName>([defaultBackend]);
  for (const backends of table.values()) for (const name of backends) names.add(name);
  return [...names];
}

function addEntry(table: Map<string, BackendName[]>, model: string, names: readonly string[]): void {
  if (!MODEL_ID.test(model)) throw new Error(`${JSON.stringify(model)} is not a model id (a trailing * makes a prefix pattern)`);
  if (table.has(model)) throw new Error(`${JSON.stringify(model)} is listed twice`);
  if (names.length === 0) throw new Error(`${JSON.stringify(model)}: no backend`);
  const backends: BackendName[] = [];
  for (const name of names) {
    if (!BACKENDS.has(name)) throw new Error(`${JSON.stringify(model)}: unknown backend ${JSON.stringify(name)} (expected ${BACKEND_NAMES.join(', ')})`);
    if (backends.includes(name as BackendName)) throw new Error(`${JSON.stringify(model)}: backend ${JSON.stringify(name)} is listed twice`);
    backends.push(name as BackendName);
  }
  table.set(model, backends);
}

function parseOrFail<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(variable, error instanceof Error ? error.message : String(error));
  }
}
