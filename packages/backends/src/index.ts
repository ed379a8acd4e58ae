export type { Backend, BackendCallOptions, BackendSession, CreateSessionOptions, SessionBackend } from './backend.ts';
export { collectAnswer, type CollectedAnswer } from './collect.ts';
export { CLAUDE_MODEL_ALIASES, CLAUDE_MODELS, type ClaudeModelAlias } from './models.ts';
export { createMockBackend, type MockBackendOptions } from './mock/mock-backend.ts';
export { parseMockDirectives, type MockDirectives } from './mock/mock-directives.ts';
export { countPromptTokens } from './mock/mock-reply.ts';
export { createCliBackend, DEFAULT_CLI_HOST, type CliBackendOptions } from './cli/cli-backend.ts';
export type { CliTurnStats } from './cli/cli-session.ts';
export type { HostKind } from './cli/process-host.ts';
