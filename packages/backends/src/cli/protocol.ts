/**
 * The Claude Code CLI's stream-json protocol, as far as the gateway uses it. One JSON object per
 * line in both directions. Only the fields read here are typed; the CLI sends many more.
 */

/** Any line the CLI prints that is a JSON object with a `type`. */
export interface CliMessage {
  type: string;
  [field: string]: unknown;
}

/** `{"type":"control_response","response":{...}}`: the answer to one of our control requests. */
export interface CliControlResponse {
  subtype: 'success' | 'error';
  request_id: string;
  response?: Record<string, unknown>;
  error?: string;
}

/** Token counts as the CLI reports them on a `result` line. */
export interface CliUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** The `result` line that ends every turn (a prompt, a `/clear`, an interrupted prompt). */
export interface CliResult extends CliMessage {
  type: 'result';
  subtype: string;
  is_error: boolean;
  result?: string;
  stop_reason?: string | null;
  num_turns?: number;
  duration_ms?: number;
  duration_api_ms?: number;
  usage?: CliUsage;
  /** What the turn cost at API prices, by the CLI's own reckoning. */
  total_cost_usd?: number;
  api_error_status?: number | null;
  /** Set on the result of a local command, e.g. `clear`. */
  local_command?: string;
  errors?: string[];
  terminal_reason?: string;
}

/** The account block of the initialize response: where the CLI's credentials come from. */
export interface CliAccount {
  tokenSource?: string;
  apiKeySource?: string;
  apiProvider?: string;
}

/**
 * Parses one output line. Returns undefined for anything that is not a JSON object with a string
 * `type`: a pty merges stderr (warnings, stack traces) into the same stream, so those lines are
 * diagnostics, never protocol.
 */
export function parseCliLine(line: string): CliMessage | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  return typeof message.type === 'string' ? (message as CliMessage) : undefined;
}

export function isResult(message: CliMessage): message is CliResult {
  return message.type === 'result' && typeof message.is_error === 'boolean';
}

/** The control response carried by a `control_response` line, if it is well formed. */
export function controlResponseOf(message: CliMessage): CliControlResponse | undefined {
  if (message.type !== 'control_response') return undefined;
  const response = message.response as Partial<CliControlResponse> | undefined;
  if (!response || typeof response.request_id !== 'string') return undefined;
  if (response.subtype !== 'success' && response.subtype !== 'error') return undefined;
  return response as CliControlResponse;
}

/** The text of a top-level `text_delta` stream event (not one from a sub-agent), if it is one. */
export function textDeltaOf(message: CliMessage): string | undefined {
  if (message.type !== 'stream_event' || message.parent_tool_use_id) return undefined;
  const event = message.event as { type?: string; delta?: { type?: string; text?: unknown } } | undefined;
  if (event?.type !== 'content_block_delta' || event.delta?.type !== 'text_delta') return undefined;
  return typeof event.delta.text === 'string' ? event.delta.text : undefined;
}

/** A user message line: one prompt (text, or text and image blocks), or a local command such as `/clear` that we send ourselves. */
export function userMessageLine(content: string | readonly object[], uuid?: string): string {
  const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  // The CLI keeps a given uuid as the message's own: `rewind_conversation` can then target it.
  return `${JSON.stringify({ type: 'user', ...(uuid ? { uuid } : {}), message: { role: 'user', content: blocks } })}\n`;
}

/** A control request line. */
export function controlRequestLine(requestId: string, request: { subtype: string } & Record<string, unknown>): string {
  return `${JSON.stringify({ type: 'control_request', request_id: requestId, request })}\n`;
}

/** Our answer to a control request the CLI sends us (e.g. a permission prompt): always a refusal. */
export function controlRefusalLine(requestId: string, error: string): string {
  return `${JSON.stringify({ type: 'control_response', response: { subtype: 'error', request_id: requestId, error } })}\n`;
}

/**
 * Whether the CLI has credentials to call the API with. With no key and no login it still
 * answers initialize, and only fails at the first prompt ("Not logged in"): checking here lets a
 * session refuse to become ready instead. An unknown shape counts as logged in.
 */
export function hasCredentials(account: CliAccount | undefined): boolean {
  if (!account) return true;
  if (account.apiProvider !== undefined && account.apiProvider !== 'firstParty') return true;
  const present = (source: string | undefined) => source !== undefined && source !== '' && source !== 'none';
  return present(account.apiKeySource) || present(account.tokenSource) || (account.apiKeySource === undefined && account.tokenSource === undefined);
}
