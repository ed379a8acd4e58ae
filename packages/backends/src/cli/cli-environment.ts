import { MCP_CONFIG, MCP_TOOL_PREFIX } from './cli-mcp-server.ts';
import { cliSettings } from './cli-permissions.ts';

/** Bounds on the CLI's own retrying, derived from the gateway's request timeout. */
export interface CliLimits {
  /** `LLM_REQUEST_TIMEOUT` in milliseconds. */
  requestTimeoutMs: number;
  /** Upstream retries the CLI may make for one prompt. @defaultValue 2 */
  maxRetries?: number;
  /** How long a turn may wait for the client's tool results (the pool's park). @defaultValue 60_000 */
  toolResultTimeoutMs?: number;
}

/**
 * What a session may inherit from the gateway's environment: the CLI's own credential and what
 * points it at its API (`ANTHROPIC_*`, `CLAUDE_CODE_*`, `CLAUDE_CONFIG_DIR`, `HOME`), how it
 * reaches the network (proxies, CA bundles), and the locale. Nothing else: an allow-list, so a
 * tenant key, the admin key, `REDIS_URL` or another backend's key added to the gateway later can
 * never end up in a CLI process, whatever it is called. `ANTHROPIC_API_KEY_FILE` is the gateway's
 * way of reading the key (it hands the key itself over): the CLI does not get the path.
 */
const PASSED =
  /^(ANTHROPIC_(?!API_KEY_FILE$)[A-Z0-9_]+|CLAUDE_CODE_[A-Z0-9_]+|CLAUDE_CONFIG_DIR|DISABLE_[A-Z0-9_]+|API_TIMEOUT_MS|MAX_THINKING_TOKENS|HOME|PATH|USER|LOGNAME|TMPDIR|TZ|LANG|LANGUAGE|LC_[A-Z]+|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/;

/**
 * The environment of a session: the part of the gateway's own that the CLI needs ({@link PASSED}),
 * so the user's Claude Code login and settings apply, plus bounds that make the CLI give up before
 * the gateway's request timeout does (by default it retries for minutes and waits 6 minutes per
 * attempt). Values already set by the operator win, except the bounds, which must stay below the
 * timeout.
 */
export function cliEnvironment(base: NodeJS.ProcessEnv, limits: CliLimits, apiKey?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) if (PASSED.test(name) && value !== undefined) env[name] = value;
  if (apiKey !== undefined && env.ANTHROPIC_API_KEY === undefined) env.ANTHROPIC_API_KEY = apiKey;
  // A server has no use for the CLI's update checks, telemetry or error reports.
  env.DISABLE_AUTOUPDATER ??= '1';
  env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC ??= '1';
  env.DISABLE_TELEMETRY ??= '1';
  env.DISABLE_ERROR_REPORTING ??= '1';
  // Every tool of the request goes in the request itself: with tool search on, the CLI defers MCP
  // tools behind its own ToolSearch and adds a placeholder tool the client never offered.
  env.ENABLE_TOOL_SEARCH = 'false';
  // A parked turn's `tools/call` must outlive the park: the pool, not the CLI, decides when it ends.
  env.MCP_TOOL_TIMEOUT = String((limits.toolResultTimeoutMs ?? 60_000) + 30_000);
  const budget = Math.max(1_000, limits.requestTimeoutMs - 1_000);
  env.CLAUDE_CODE_MAX_RETRIES = String(atMost(limits.maxRetries ?? 2, env.CLAUDE_CODE_MAX_RETRIES));
  env.API_TIMEOUT_MS = String(atMost(budget, env.API_TIMEOUT_MS));
  env.CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS = String(atMost(budget, env.CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS));
  return env;
}

/** An operator's lower value is kept; a higher or unreadable one is replaced by `limit`. */
function atMost(limit: number, configured: string | undefined): number {
  const value = Number(configured);
  return configured !== undefined && Number.isFinite(value) && value >= 0 ? Math.min(limit, value) : limit;
}

/** The fixed system prompt: the request's own instructions travel inside the prompt. */
export const CLI_SYSTEM_PROMPT = [
  'You answer requests relayed by an API gateway, as a chat assistant.',
  'The only tools you have are those a request offers, which the user runs; call one when it helps, with arguments matching its schema.',
  'A request may start with <system> instructions: follow them as your system prompt.',
  'It may hold the earlier turns in <conversation>, with earlier tool calls and their results as <tool_call> and <tool_result>: continue that conversation.',
  'A message inside <message> tags is the text the user wrote.',
  'Answer the final message directly, without mentioning these tags.',
].join(' ');

/**
 * The CLI's arguments for one persistent session: stream-json in and out with partial messages,
 * no tools at all and every built-in one denied ({@link cliSettings}), no MCP servers, no
 * transcripts on disk, no user or project settings, a fixed system prompt.
 */
export function cliArguments(systemPrompt = CLI_SYSTEM_PROMPT): string[] {
  return [
    '-p',
    '--input-format', 'stream-json',
    '--output-format', 'stream-json',
    '--verbose',
    '--include-partial-messages',
    '--tools', '',
    '--no-session-persistence',
    '--setting-sources', '',
    '--settings', cliSettings(),
    // The client's tools, served by the gateway itself (cli-mcp-server.ts), and nothing else.
    '--strict-mcp-config',
    '--mcp-config', MCP_CONFIG,
    '--allowedTools', `${MCP_TOOL_PREFIX}*`,
    '--system-prompt', systemPrompt,
  ];
}
