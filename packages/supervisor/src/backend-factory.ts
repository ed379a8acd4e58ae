import { ConfigError, type BackendName, type Config, type Logger } from '@llm-gateway/shared';
import {
  createAnthropicBackend,
  createCliBackend,
  createMockBackend,
  createOpenAIBackend,
  type CliBackend,
  parseModelAliases,
  type AnthropicBackend,
  type Backend,
  type OpenAIBackend,
  type SessionBackend,
} from '@llm-gateway/backends';

/**
 * A backend as the supervisor runs it: on pooled sessions, or directly. `close` frees what a
 * direct backend holds (its upstream connections).
 */
export type SupervisedBackend =
  | { kind: 'pooled'; backend: SessionBackend }
  | { kind: 'direct'; backend: Backend; close?: () => Promise<void> };

/**
 * Builds one backend from the configuration: `LLM_BACKEND`'s by default, or another one the
 * routing table (`LLM_MODELS`) names. Sessions-based backends (cli, mock) go through the pool.
 * @throws ConfigError when the backend lacks a setting it needs.
 */
export function createBackendFromConfig(config: Config, log: Logger, name: BackendName = config.backend): SupervisedBackend {
  switch (name) {
    case 'mock':
      return { kind: 'pooled', backend: createMockBackend({ delayMs: config.mockDelayMs }) };
    case 'cli':
      return { kind: 'pooled', backend: createCliBackendFromConfig(config, log) };
    case 'api': {
      const backend = createApiBackendFromConfig(config, log);
      return { kind: 'direct', backend, close: backend.close };
    }
    case 'openai': {
      const backend = createOpenAIBackendFromConfig(config);
      return { kind: 'direct', backend, close: backend.close };
    }
  }
}

/**
 * The CLI backend (`LLM_BACKEND=cli`). Sessions inherit the part of the environment the CLI needs
 * (the user's Claude Code login, ANTHROPIC_BASE_URL…), in a sandbox when the host allows: without
 * one the operator is told at start-up what is missing.
 */
function createCliBackendFromConfig(config: Config, log: Logger): SessionBackend {
  let backend: CliBackend;
  try {
    backend = createCliBackend({
      ...(config.cliCommand ? { command: config.cliCommand } : {}),
      ...(config.cliHost ? { host: config.cliHost } : {}),
      sandbox: config.cliSandbox,
      requestTimeoutMs: config.requestTimeoutMs,
      toolResultTimeoutMs: config.toolResultTimeoutMs,
      ...(config.anthropicApiKey ? { apiKey: config.anthropicApiKey } : {}),
    });
  } catch (error) {
    throw new ConfigError('LLM_CLI_SANDBOX', error instanceof Error ? error.message : String(error));
  }
  if (backend.sandbox.warning) log.warn({ sandbox: backend.sandbox.kind }, `CLI sessions are not sandboxed: ${backend.sandbox.warning}`);
  else log.info({ sandbox: backend.sandbox.kind }, 'CLI sessions run in a bubblewrap sandbox');
  return backend;
}

/** The Anthropic API backend (`LLM_BACKEND=api`); it cannot run without a key. */
function createApiBackendFromConfig(config: Config, log: Logger): AnthropicBackend {
  if (config.anthropicApiKey === undefined) {
    const where = config.backend === 'api' ? 'LLM_BACKEND=api' : 'the api backend LLM_MODELS names';
    throw new ConfigError('ANTHROPIC_API_KEY', `is required for ${where} (or set ANTHROPIC_API_KEY_FILE)`);
  }
  return createAnthropicBackend({
    apiKey: config.anthropicApiKey,
    ...(config.anthropicBaseUrl ? { baseUrl: config.anthropicBaseUrl } : {}),
    modelAliases: parseModelAliases(config.anthropicModelAliases),
    log: log.child({ component: 'anthropic-sdk' }),
  });
}

/** The OpenAI-compatible backend (`LLM_BACKEND=openai`): vLLM, Ollama or OpenAI itself. */
function createOpenAIBackendFromConfig(config: Config): OpenAIBackend {
  return createOpenAIBackend({
    ...(config.openaiBaseUrl ? { baseUrl: config.openaiBaseUrl } : {}),
    ...(config.openaiApiKey ? { apiKey: config.openaiApiKey } : {}),
  });
}
