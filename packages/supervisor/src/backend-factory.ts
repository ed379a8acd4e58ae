import type { Config, Logger } from '@llm-gateway/shared';
import { createCliBackend, createMockBackend, type Backend, type SessionBackend } from '@llm-gateway/backends';

/** A backend as the supervisor runs it: on pooled sessions, or directly. */
export type SupervisedBackend =
  | { kind: 'pooled'; backend: SessionBackend }
  | { kind: 'direct'; backend: Backend };

/** Builds the configured backend. Sessions-based backends (cli, mock) go through the pool. */
export function createBackendFromConfig(config: Config, _log: Logger): SupervisedBackend {
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
    case 'openai':
      throw new Error(`LLM_BACKEND=${config.backend} is not available in this build yet`);
  }
}
