import { CLAUDE_MODEL_ALIASES } from '../models.ts';

/**
 * The full Anthropic model id behind each alias clients use. Kept equal to what the Claude Code
 * CLI (2.1.332) resolves `sonnet` / `haiku` / `opus` to, so the `cli` and `api` backends answer
 * `claude-sonnet` with the same model. `ANTHROPIC_MODEL_ALIASES` extends or overrides it.
 */
export const ANTHROPIC_MODEL_IDS: Readonly<Record<keyof typeof CLAUDE_MODEL_ALIASES, string>> = {
  'claude-sonnet': 'claude-sonnet-5-5',
  'claude-haiku': 'claude-haiku-5-5',
  'claude-opus': 'claude-opus-5-5',
};

/**
 * Parses `alias=model-id` pairs separated by commas (`ANTHROPIC_MODEL_ALIASES`).
 * @throws Error naming the bad entry.
 */
export function parseModelAliases(text: string | undefined): Record<string, string> {
  const aliases: Record<string, string> = {};
  if (text === undefined) return aliases;
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const [alias, id, ...rest] = entry.split('=').map((part) => part.trim());
    if (!alias || !id || rest.length > 0) throw new Error(`expected alias=model-id, got ${JSON.stringify(entry.trim())}`);
    aliases[alias] = id;
  }
  return aliases;
}

/** The alias table with extra entries applied over the built-in ones. */
export function anthropicModelTable(extra: Readonly<Record<string, string>> = {}): Readonly<Record<string, string>> {
  return { ...ANTHROPIC_MODEL_IDS, ...extra };
}

/** The Anthropic id for a client's model name: an alias is resolved, anything else passes through. */
export function resolveAnthropicModel(model: string, table: Readonly<Record<string, string>>): string {
  return Object.hasOwn(table, model) ? table[model]! : model;
}
