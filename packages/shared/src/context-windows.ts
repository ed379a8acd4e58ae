import { ConfigError } from './config.ts';

/**
 * Context windows per model (`LLM_CONTEXT_WINDOWS`) over the default (`LLM_CONTEXT_WINDOW`): one
 * gateway may route to a 200k-token Claude model and to an 8k-token local model, and a prompt that
 * cannot fit should get 400 `context_length_exceeded` at once rather than a failed upstream call.
 * A model id ending in `*` is a prefix pattern, as in `LLM_MODELS`; the longest match wins. A
 * window of 0 turns the check off for the models it matches.
 */
export class ContextWindows {
  readonly #exact = new Map<string, number>();
  readonly #prefixes: Array<{ prefix: string; tokens: number }> = [];
  readonly #fallback: number;

  /**
   * @param entries model id (or `prefix*`) → tokens.
   * @param fallback the window of every model no entry matches.
   */
  constructor(entries: ReadonlyMap<string, number>, fallback: number) {
    this.#fallback = fallback;
    for (const [model, tokens] of entries) {
      if (model.endsWith('*')) this.#prefixes.push({ prefix: model.slice(0, -1), tokens });
      else this.#exact.set(model, tokens);
    }
    this.#prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The window of `model` in tokens; 0 when it is not checked. */
  forModel(model: string): number {
    const exact = this.#exact.get(model);
    if (exact !== undefined) return exact;
    for (const pattern of this.#prefixes) if (model.startsWith(pattern.prefix)) return pattern.tokens;
    return this.#fallback;
  }
}

const ENTRY = /^([A-Za-z0-9][\w.:/@+-]*\*?|\*)\s*=\s*(\d+)$/;

/**
 * Parses `LLM_CONTEXT_WINDOWS`: `model=tokens` entries separated by commas or newlines, e.g.
 * `claude-*=200000,gpt-4o=128000,llama3.1:8b=8192`.
 * @throws ConfigError naming the variable and the bad entry.
 */
export function parseContextWindows(text: string | undefined): Map<string, number> {
  const entries = new Map<string, number>();
  for (const raw of (text ?? '').split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = ENTRY.exec(entry);
    if (!match) throw new ConfigError('LLM_CONTEXT_WINDOWS', `expected model=tokens (a trailing * makes a prefix pattern), got ${JSON.stringify(entry)}`);
    const [, model, tokens] = match as unknown as [string, string, string];
    if (entries.has(model)) throw new ConfigError('LLM_CONTEXT_WINDOWS', `${JSON.stringify(model)} is listed twice`);
    entries.set(model, Number(tokens));
  }
  return entries;
}
