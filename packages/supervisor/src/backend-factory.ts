import { ConfigError, type Config, type Logger } from '@llm-gateway/shared';
import {
  createAnthropicBackend,
  createCliBackend,
  createMockBackend,
  createOpenAIBackend,
  parseModelAliases,
  type Backend,
  type SessionBackend,
} from '@llm-gateway/backends';

/** A backend as the supervisor runs it: on pooled sessions, or directly. */
export type SupervisedBackend =
  | { kind: 'pooled'; backend: SessionBackend }
  | { kind: 'direct'; backend: Backend };

/** Builds the configured backend. Sessions-based backends (cli, mock) go through the pool. */
export function createBackendFromConfig(config: Config, log: Logger): SupervisedBackend {
  switch (config.backend) {
    case 'mock':
      return { kind: 'pooled', backend: createMockBackend({ delayMs: config.mockDelayMs }) };
    case 'cli':
      // Sessions inherit the process environment (the user's Claude Code login, ANTHROPIC_BASE_URL…).
      return {
        kind: 'pooled',
        backend: createCliBackend({
          ...(config.cliCommand ? { command: config.cliCommand } : {}),
          ...(config.cliHost ? { host: config.cliHost } : {}),
          requestTimeoutMs: config.requestTimeoutMs,
          ...(config.anthropicApiKey ? { apiKey: config.anthropicApiKey } : {}),
        }),
      };
    case 'api':
      return { kind: 'direct', backend: createApiBackendFromConfig(config, log) };
    case 'openai':
      return { kind: 'direct', backend: createOpenAIBackendFromConfig(config) };
  }
}

/** The Anthropic API backend (`LLM_BACKEND=api`); it cannot run without a key. */
function createApiBackendFromConfig(config: Config, log: Logger): Backend {
  if (config.anthropicApiKey === undefined) {
    throw new ConfigError('ANTHROPIC_API_KEY', 'is required for LLM_BACKEND=api (or set ANTHROPIC_API_KEY_FILE)');
  }
  return createAnthropicBackend({
    apiKey: config.anthropicApiKey,
    ...(config.anthropicBaseUrl ? { baseUrl: config.anthropicBaseUrl } : {}),
    modelAliases: parseModelAliases(config.anthropicModelAliases),
    log: log.child({ component: 'anthropic-sdk' }),
  });
}

/** The OpenAI-compatible backend (`LLM_BACKEND=openai`): vLLM, Ollama or OpenAI itself. */
function createOpenAIBackendFromConfig(config: Config): Backend {
  return createOpenAIBackend({
    ...(config.openaiBaseUrl ? { baseUrl: config.openaiBaseUrl } : {}),
    ...(config.openaiApiKey ? { apiKey: config.openaiApiKey } : {}),
  });
}
