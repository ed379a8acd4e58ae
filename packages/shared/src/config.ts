import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BACKEND_NAMES } from './contracts/job.ts';
import { ContextWindows, parseContextWindows } from './context-windows.ts';
import { loadModelTable, type ModelTable } from './model-table.ts';

/**
 * Configuration comes from the environment only, checked once at start-up. Each entry is keyed
 * by its variable name so a bad value is reported by that name.
 */
const int = (min: number) => z.coerce.number().int().min(min);
const seconds = z.coerce.number().min(0);
const optionalText = z.string().min(1).optional();

const environmentSchema = z.object({
  PORT: int(1).max(65_535).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LLM_ROLE: z.enum(['all', 'api', 'supervisor']).default('all'),
  LLM_BACKEND: z.enum(BACKEND_NAMES).default('cli'),
  LLM_SUPERVISOR_ID: optionalText,
  LLM_POOL_SIZE: int(0).max(256).default(2),
  LLM_KEEP_ALIVE_INTERVAL: seconds.default(300),
  LLM_REQUEST_TIMEOUT: z.coerce.number().gt(0).default(60),
  LLM_MAX_BODY_BYTES: int(1024).default(4 * 1024 * 1024),
  LLM_MAX_OVERFLOW: int(0).default(2),
  LLM_SESSION_MAX_REQUESTS: int(1).default(100),
  LLM_SESSION_START_TIMEOUT: z.coerce.number().gt(0).default(30),
  LLM_MAX_QUEUE_DEPTH: int(1).default(1000),
  LLM_HEARTBEAT_INTERVAL: z.coerce.number().gt(0).default(2),
  LLM_MOCK_DELAY_MS: int(0).default(0),
  LLM_CLI_COMMAND: optionalText,
  LLM_CLI_HOST: z.enum(['pty', 'pipe']).optional(),
  LLM_CLI_SANDBOX: z.enum(['auto', 'bwrap', 'off']).default('auto'),
  LLM_TOOL_RESULT_TIMEOUT: seconds.default(60),
  LLM_NO_SUPERVISOR_GRACE: seconds.default(5),
  LLM_MODELS: optionalText,
  LLM_MODELS_FILE: optionalText,
  LLM_API_KEYS: optionalText,
  LLM_API_KEYS_FILE: optionalText,
  LLM_ADMIN_KEY: optionalText,
  LLM_ADMIN_KEY_FILE: optionalText,
  LLM_AUTH_FAILURES_PER_MINUTE: int(0).default(30),
  LLM_METRICS_KEY: optionalText,
  LLM_METRICS_KEY_FILE: optionalText,
  LLM_RATE_LIMIT_RPM: int(0).default(0),
  LLM_RATE_LIMIT_TPM: int(0).default(0),
  LLM_CACHE_TTL: seconds.default(0),
  LLM_CACHE_MAX_ENTRIES: int(1).default(1000),
  LLM_RESPONSE_STORE_ENTRIES: int(0).default(100),
  LLM_RESPONSE_STORE_TTL: seconds.default(3600),
  LLM_TENANT_LIMITS: z
    .string()
    .regex(
      /^\s*[\w.-]+(:(rpm|tpm)=\d+)+\s*(,\s*[\w.-]+(:(rpm|tpm)=\d+)+\s*)*,?\s*$/,
      'expected tenant:rpm=N:tpm=N entries separated by commas',
    )
    .optional(),
  LLM_MAX_MESSAGES: int(1).default(2048),
  LLM_MAX_PROMPT_CHARS: int(1).default(1_000_000),
  LLM_CONTEXT_WINDOW: int(0).default(200_000),
  LLM_CONTEXT_WINDOWS: optionalText,
  LLM_TOKENIZER_THREADS: int(0).max(64).default(2),
  LLM_SHUTDOWN_GRACE: seconds.default(25),
  LLM_DIRECT_CONCURRENCY: int(1).default(4096),
  LLM_DIRECT_DISPATCH: z.enum(['local', 'supervisor']).default('local'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  REDIS_PREFIX: z.string().min(1).default('llmgw'),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_API_KEY_FILE: optionalText,
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODEL_ALIASES: z
    .string()
    .regex(/^\s*[^\s=,]+\s*=\s*[^\s=,]+\s*(,\s*[^\s=,]+\s*=\s*[^\s=,]+\s*)*,?\s*$/, 'expected alias=model-id pairs separated by commas')
    .optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: optionalText,
});

/** Every environment variable the gateway reads (manifests may set only these). */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape) as ReadonlyArray<
  keyof typeof environmentSchema.shape
>;

export type Environment = z.infer<typeof environmentSchema>;

/** The checked configuration. Durations are in milliseconds. */
export interface Config {
  port: number | undefined;
  host: string;
  logLevel: Environment['LOG_LEVEL'];
  /** `all`: API and supervisor in one process; `api` / `supervisor`: one role (needs Redis). */
  role: Environment['LLM_ROLE'];
  backend: Environment['LLM_BACKEND'];
  supervisorId: string | undefined;
  poolSize: number;
  keepAliveIntervalMs: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  maxOverflow: number;
  sessionMaxRequests: number;
  /** A session not ready within this is given up and replaced (with backoff). */
  sessionStartTimeoutMs: number;
  maxQueueDepth: number;
  /**
   * How often a supervisor proves it is alive in Redis (`LLM_HEARTBEAT_INTERVAL`, seconds). Its
   * registry entry lives 3 heartbeats; its job locks and the stalled-job check scale with it.
   */
  heartbeatIntervalMs: number;
  mockDelayMs: number;
  cliCommand: string | undefined;
  cliHost: 'pty' | 'pipe' | undefined;
  /**
   * `LLM_CLI_SANDBOX`: `bwrap` runs each CLI session in a bubblewrap sandbox that sees only its own
   * empty directories (start-up fails without one), `off` never does, `auto` does when the host can.
   */
  cliSandbox: 'auto' | 'bwrap' | 'off';
  /**
   * `LLM_TOOL_RESULT_TIMEOUT` in ms: how long a CLI turn that ended in tool calls stays parked for
   * the follow-up with their results; 0 parks none. 60 s by default, embedded and split (in split
   * mode the follow-up is routed to the supervisor holding its turn).
   */
  toolResultTimeoutMs: number;
  /**
   * `LLM_NO_SUPERVISOR_GRACE` in ms (split mode): while no supervisor is alive, a request waits
   * this long for one (a restart, a rollout), then gets 503 with the reason.
   */
  noSupervisorGraceMs: number;
  /** `LLM_MODELS` as given; {@link Config.modelTable} is what it means. */
  models: string | undefined;
  /**
   * Model → backends routing: `LLM_MODELS_FILE` with `LLM_MODELS` over it; empty when neither is
   * set (then `backend` serves the built-in Claude aliases alone).
   */
  modelTable: ModelTable;
  apiKeys: string | undefined;
  adminKey: string | undefined;
  /** Failed authentications a client address may make per minute (burst) before it gets 429; 0: no throttle. */
  authFailuresPerMinute: number;
  /** `LLM_METRICS_KEY`: a key `/metrics` accepts besides the admin key (for Prometheus), and nothing else. */
  metricsKey: string | undefined;
  rateLimitRpm: number;
  rateLimitTpm: number;
  cacheTtlSeconds: number;
  /** Answers the in-memory response cache (embedded mode) holds at most; least recently used go first. */
  cacheMaxEntries: number;
  /** Responses API conversations kept per tenant for `previous_response_id`, oldest dropped first; 0: none. */
  responseStoreEntries: number;
  /** How long a stored conversation stays, in seconds. */
  responseStoreTtlSeconds: number;
  /** `LLM_TENANT_LIMITS`: per-tenant `rpm`/`tpm` overrides of the defaults, `tenant:rpm=N:tpm=N,…`. */
  tenantLimits: string | undefined;
  /** Requests with more messages get 400. */
  maxMessages: number;
  /** Requests whose message text is longer (UTF-16 code units) get 400. */
  maxPromptChars: number;
  /**
   * Each model's context window: prompt plus `max_tokens` over it gets 400 `context_length_exceeded`
   * (0: no check). `LLM_CONTEXT_WINDOWS` entries, `LLM_CONTEXT_WINDOW` for the rest.
   */
  contextWindows: ContextWindows;
  /** Worker threads that count the tokens of large prompts off the event loop; 0 counts inline. */
  tokenizerThreads: number;
  shutdownGraceMs: number;
  /**
   * `LLM_DIRECT_CONCURRENCY`: upstream streams of the direct backends (api, openai) one process
   * runs at once: a supervisor takes that many such jobs from the queue, an API replica running
   * them itself (`LLM_DIRECT_DISPATCH=local`) refuses more with 429 `queue_full`. An open stream
   * costs a few KiB (`pnpm bench -- streams`), so the bound is memory's, not a session count.
   */
  directConcurrency: number;
  /**
   * `LLM_DIRECT_DISPATCH`, split mode only: `local` runs a direct backend's jobs in the API replica
   * that received them (no Redis hop; supervisors keep the pooled backends, and a job whose direct
   * backends fail before output falls back to a pooled one through them); `supervisor` sends every
   * job through Redis, for operators who want upstream keys on supervisors only. A replica without
   * a direct backend's key sends that backend's jobs to the supervisors either way.
   */
  directDispatch: 'local' | 'supervisor';
  redisUrl: string | undefined;
  redisPrefix: string;
  anthropicApiKey: string | undefined;
  anthropicBaseUrl: string | undefined;
  /** `alias=model-id,…` added to the API backend's model alias table. */
  anthropicModelAliases: string | undefined;
  openaiBaseUrl: string | undefined;
  openaiApiKey: string | undefined;
}

/** A configuration problem, naming the variable so the operator knows what to fix. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/**
 * Reads and checks the configuration. Empty values count as unset.
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') present[name] = value.trim();
  }
  const result = environmentSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `${issue.message} (got ${JSON.stringify(present[variable] ?? '')})`);
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    role: e.LLM_ROLE,
    backend: e.LLM_BACKEND,
    supervisorId: e.LLM_SUPERVISOR_ID,
    poolSize: e.LLM_POOL_SIZE,
    keepAliveIntervalMs: e.LLM_KEEP_ALIVE_INTERVAL * 1000,
    requestTimeoutMs: e.LLM_REQUEST_TIMEOUT * 1000,
    maxBodyBytes: e.LLM_MAX_BODY_BYTES,
    maxOverflow: e.LLM_MAX_OVERFLOW,
    sessionMaxRequests: e.LLM_SESSION_MAX_REQUESTS,
    sessionStartTimeoutMs: e.LLM_SESSION_START_TIMEOUT * 1000,
    maxQueueDepth: e.LLM_MAX_QUEUE_DEPTH,
    heartbeatIntervalMs: e.LLM_HEARTBEAT_INTERVAL * 1000,
    mockDelayMs: e.LLM_MOCK_DELAY_MS,
    cliCommand: e.LLM_CLI_COMMAND,
    cliHost: e.LLM_CLI_HOST,
    cliSandbox: e.LLM_CLI_SANDBOX,
    toolResultTimeoutMs: e.LLM_TOOL_RESULT_TIMEOUT * 1000,
    noSupervisorGraceMs: e.LLM_NO_SUPERVISOR_GRACE * 1000,
    models: e.LLM_MODELS,
    modelTable: loadModelTable(e.LLM_MODELS, e.LLM_MODELS_FILE),
    apiKeys: joinSecrets(e.LLM_API_KEYS, readSecretFile('LLM_API_KEYS_FILE', e.LLM_API_KEYS_FILE)),
    adminKey: e.LLM_ADMIN_KEY ?? readSecretFile('LLM_ADMIN_KEY_FILE', e.LLM_ADMIN_KEY_FILE),
    authFailuresPerMinute: e.LLM_AUTH_FAILURES_PER_MINUTE,
    metricsKey: e.LLM_METRICS_KEY ?? readSecretFile('LLM_METRICS_KEY_FILE', e.LLM_METRICS_KEY_FILE),
    rateLimitRpm: e.LLM_RATE_LIMIT_RPM,
    rateLimitTpm: e.LLM_RATE_LIMIT_TPM,
    cacheTtlSeconds: e.LLM_CACHE_TTL,
    cacheMaxEntries: e.LLM_CACHE_MAX_ENTRIES,
    responseStoreEntries: e.LLM_RESPONSE_STORE_ENTRIES,
    responseStoreTtlSeconds: e.LLM_RESPONSE_STORE_TTL,
    tenantLimits: e.LLM_TENANT_LIMITS,
    maxMessages: e.LLM_MAX_MESSAGES,
    maxPromptChars: e.LLM_MAX_PROMPT_CHARS,
    contextWindows: new ContextWindows(parseContextWindows(e.LLM_CONTEXT_WINDOWS), e.LLM_CONTEXT_WINDOW),
    tokenizerThreads: e.LLM_TOKENIZER_THREADS,
    shutdownGraceMs: e.LLM_SHUTDOWN_GRACE * 1000,
    directConcurrency: e.LLM_DIRECT_CONCURRENCY,
    directDispatch: e.LLM_DIRECT_DISPATCH,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    anthropicApiKey: e.ANTHROPIC_API_KEY ?? readSecretFile('ANTHROPIC_API_KEY_FILE', e.ANTHROPIC_API_KEY_FILE),
    anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
    anthropicModelAliases: e.ANTHROPIC_MODEL_ALIASES,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    openaiApiKey: e.OPENAI_API_KEY,
  };
}

/** A secret mounted as a file (Kubernetes secret volume); surrounding whitespace is dropped. */
function readSecretFile(variable: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    const value = readFileSync(path, 'utf8').trim();
    return value === '' ? undefined : value;
  } catch (error) {
    throw new ConfigError(variable, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function joinSecrets(...values: Array<string | undefined>): string | undefined {
  const present = values.filter((value): value is string => value !== undefined);
  return present.length === 0 ? undefined : present.join(',');
}
