import type { ToolDefinition } from '@llm-gateway/shared';
import type { CliControl } from './cli-control.ts';

/**
 * The client's tools reach a warm CLI session as an SDK MCP server that the gateway itself serves
 * over the session's own stdin/stdout (measured with 2.1.332): the CLI asks through `mcp_message`
 * control requests (`initialize`, `tools/list`, `tools/call`) and the gateway answers them. Nothing
 * runs on the host: a call is handed to the client, who runs the tool.
 */
export const MCP_SERVER_NAME = 'gw';
/** How the CLI names an MCP tool to the model; never shown to a client, in calls or in text. */
export const MCP_TOOL_PREFIX = `mcp__${MCP_SERVER_NAME}__`;

/** `--mcp-config`: our one server, of the SDK kind (served over the control protocol). */
export const MCP_CONFIG = JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: { type: 'sdk', name: MCP_SERVER_NAME } } });

/** A `tools/call` the CLI made: held until the client's result arrives (or the turn is dropped). */
export interface McpToolCall {
  /** The control request to answer. */
  requestId: string;
  /** The JSON-RPC id inside it. */
  rpcId: string | number;
  /** The `tool_use` id the model gave the call: the id the client sees. */
  toolUseId: string | undefined;
  name: string;
}

interface JsonRpcMessage {
  jsonrpc?: string;
  id?: string | number;
  method?: string;
  params?: Record<string, unknown>;
}

/** The client's tool set for one request, as MCP describes tools. */
function toMcpTools(tools: readonly ToolDefinition[]): object[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    inputSchema: tool.parameters && Object.keys(tool.parameters).length > 0 ? tool.parameters : { type: 'object', properties: {} },
  }));
}

/**
 * The MCP server of one CLI session: the current tool set, the `tools/list` the CLI makes after a
 * change, and the `tools/call`s it makes. Answers are control-response lines for the session to
 * write; a `tools/call` is not answered here.
 */
export class McpToolServer {
  #tools: object[] = [];
  #key = '[]';
  #listWaiters: Array<() => void> = [];
  readonly #onCall: (call: McpToolCall) => void;

  constructor(onCall: (call: McpToolCall) => void) {
    this.#onCall = onCall;
  }

  /**
   * Replaces the tool set. Returns a promise that settles once the CLI has listed the new set, or
   * undefined when the set is unchanged (nothing to tell the CLI).
   */
  setTools(tools: readonly ToolDefinition[]): Promise<void> | undefined {
    const next = toMcpTools(tools);
    const key = JSON.stringify(next);
    if (key === this.#key) return undefined;
    this.#tools = next;
    this.#key = key;
    return new Promise((resolve) => this.#listWaiters.push(resolve));
  }

  /**
   * Makes `tools` the ones the CLI offers the model: after a change, tells the CLI, and resolves
   * once it has listed the new set, so the next prompt (and no other request) sees exactly them.
   */
  async offer(tools: readonly ToolDefinition[], control: Pick<CliControl, 'request'>, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const listed = this.setTools(tools);
    if (!listed) return;
    await control.request(McpToolServer.LIST_CHANGED, { signal, timeoutMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the CLI did not list the new tools within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([listed, late]).finally(() => clearTimeout(timer));
  }

  /** The notification that makes the CLI list the tools again (a control request of ours). */
  static readonly LIST_CHANGED = { subtype: 'mcp_message', server_name: MCP_SERVER_NAME, message: { jsonrpc: '2.0', method: 'notifications/tools/list_changed' } };

  /**
   * Handles one `mcp_message` control request from the CLI; returns the line to write back, or
   * undefined when the answer is held (a tool call).
   */
  handle(requestId: string, message: JsonRpcMessage): string | undefined {
    switch (message.method) {
      case 'initialize':
        return rpcResult(requestId, message.id, {
          protocolVersion: message.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: { listChanged: true } },
          serverInfo: { name: 'llm-gateway', version: '1' },
        });
      case 'tools/list': {
        const line = rpcResult(requestId, message.id, { tools: this.#tools });
        const waiters = this.#listWaiters;
        this.#listWaiters = [];
        // Settled after the answer is written: the session writes the line before the next prompt.
        queueMicrotask(() => waiters.forEach((resolve) => resolve()));
        return line;
      }
      case 'tools/call': {
        const meta = message.params?._meta as Record<string, unknown> | undefined;
        const toolUseId = meta?.['claudecode/toolUseId'];
        this.#onCall({
          requestId,
          rpcId: message.id ?? 0,
          toolUseId: typeof toolUseId === 'string' ? toolUseId : undefined,
          name: typeof message.params?.name === 'string' ? message.params.name : '',
        });
        return undefined;
      }
      default:
        // Notifications (`notifications/initialized`) get an empty acknowledgement; unknown methods an error.
        if (message.id === undefined) return controlSuccess(requestId, {});
        return controlSuccess(requestId, { mcp_response: { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } } });
    }
  }

  /** The answer to a held call: the client's result, as MCP text content. */
  static resultLine(call: McpToolCall, text: string, isError = false): string {
    return rpcResult(call.requestId, call.rpcId, { content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) });
  }
}

function rpcResult(requestId: string, id: string | number | undefined, result: object): string {
  return controlSuccess(requestId, { mcp_response: { jsonrpc: '2.0', id: id ?? 0, result } });
}

function controlSuccess(requestId: string, response: object): string {
  return `${JSON.stringify({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } })}\n`;
}
