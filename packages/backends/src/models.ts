/**
 * The Claude models every Claude backend serves, by the names clients use. The CLI resolves
 * its own aliases; the API backend maps them to full model ids.
 */
export const CLAUDE_MODEL_ALIASES = {
  'claude-sonnet': 'sonnet',
  'claude-haiku': 'haiku',
  'claude-opus': 'opus',
} as const;

export type ClaudeModelAlias = keyof typeof CLAUDE_MODEL_ALIASES;

export const CLAUDE_MODELS: readonly string[] = Object.keys(CLAUDE_MODEL_ALIASES);
