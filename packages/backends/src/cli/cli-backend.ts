import type { BackendSession, SessionBackend } from '../backend.ts';
import { CLAUDE_MODELS } from '../models.ts';
import { checkCliRequest } from './cli-check.ts';
import { resolveCliCommand } from './cli-command.ts';
import { cliArguments, cliEnvironment, CLI_SYSTEM_PROMPT } from './cli-environment.ts';
import { resolveCliSandbox, type CliSandbox, type SandboxMode } from './cli-sandbox.ts';
import { CliSession, type CliTurnStats } from './cli-session.ts';
import { spawnPipeHost } from './pipe-host.ts';
import type { HostKind, SpawnHost } from './process-host.ts';
import { spawnPtyHost } from './pty-host.ts';

/**
 * The default process host, chosen by measurement (see the README): the pipe host starts and
 * answers as fast as the pty host or faster, with one process per session instead of three.
 */
export const DEFAULT_CLI_HOST: HostKind = 'pipe';

export interface CliBackendOptions {
  /** `LLM_CLI_COMMAND`: the command to run, with leading arguments. @defaultValue the bundled `claude` */
  command?: string;
  /** `LLM_CLI_HOST`. @defaultValue {@link DEFAULT_CLI_HOST} */
  host?: HostKind;
  /** `LLM_REQUEST_TIMEOUT` in ms: the CLI's own retries and timeouts are kept below it. @defaultValue 60_000 */
  requestTimeoutMs?: number;
  /** Upstream retries the CLI may make per prompt. @defaultValue 2 */
  maxRetries?: number;
  /** How long the pool parks a turn for tool results: the CLI's own per-call limit is set above it. @defaultValue 60_000 */
  toolResultTimeoutMs?: number;
  /** The environment sessions inherit. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** An API key for sessions when the environment has none (`ANTHROPIC_API_KEY_FILE`). */
  apiKey?: string;
  /** Models clients may ask for. @defaultValue the Claude aliases */
  models?: readonly string[];
  /** Model warm sessions are set to at start-up. @defaultValue `claude-sonnet` */
  initialModel?: string;
  /** @defaultValue {@link CLI_SYSTEM_PROMPT} */
  systemPrompt?: string;
  /** `LLM_CLI_SANDBOX`: how sessions are confined (see {@link resolveCliSandbox}). @defaultValue 'auto' */
  sandbox?: SandboxMode | CliSandbox;
  /** Replaces the host (tests); it is not sandboxed. */
  spawnHost?: SpawnHost;
  /** Called after each finished prompt with the CLI's own timings. */
  onTurn?: (stats: CliTurnStats) => void;
}

/** The CLI backend: pooled sessions, each a warm Claude Code process, confined as the host allows. */
export interface CliBackend extends SessionBackend {
  /** How sessions are confined; its `warning` says what an operator should provide when they are not. */
  readonly sandbox: CliSandbox;
}

/**
 * The CLI backend: pooled sessions, each a warm Claude Code process.
 * @throws Error when `sandbox` is `bwrap` and bubblewrap cannot run here.
 */
export function createCliBackend(options: CliBackendOptions = {}): CliBackend {
  const {
    host = DEFAULT_CLI_HOST,
    requestTimeoutMs = 60_000,
    env = process.env,
    models = CLAUDE_MODELS,
    initialModel = 'claude-sonnet',
    systemPrompt = CLI_SYSTEM_PROMPT,
  } = options;
  const { command, args } = resolveCliCommand(options.command);
  const limits = {
    requestTimeoutMs,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(options.toolResultTimeoutMs === undefined ? {} : { toolResultTimeoutMs: options.toolResultTimeoutMs }),
  };
  const sessionEnv = cliEnvironment(env, limits, options.apiKey);
  const sandbox = options.spawnHost
    ? resolveCliSandbox('off')
    : typeof options.sandbox === 'object'
      ? options.sandbox
      : resolveCliSandbox(options.sandbox ?? 'auto');
  const spawnHost = options.spawnHost ?? sandbox.wrap(host === 'pty' ? spawnPtyHost : spawnPipeHost);
  return {
    name: 'cli',
    sandbox,
    models: () => models,
    check: checkCliRequest,
    createSession: ({ id, log }): BackendSession =>
      new CliSession({
        id,
        command,
        args: [...args, ...cliArguments(systemPrompt)],
        env: sessionEnv,
        spawnHost,
        initialModel,
        ...(options.onTurn ? { onTurn: options.onTurn } : {}),
        ...(log ? { log } : {}),
      }),
  };
}
