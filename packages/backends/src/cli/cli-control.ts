import type { ProcessHost } from './process-host.ts';
import { MCP_SERVER_NAME, type McpToolServer } from './cli-mcp-server.ts';
import { controlRefusalLine, controlRequestLine, controlResponseOf, type CliMessage } from './protocol.ts';

interface Pending {
  resolve: (response: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/**
 * Control requests to one CLI process (`initialize`, `set_model`, `interrupt`, `mcp_status`) and
 * their responses, matched by request id. Control requests the CLI sends us are refused (a
 * session never grants a permission), except the `mcp_message`s of our own MCP server, which
 * serves the client's tools.
 */
export class CliControl {
  readonly #host: ProcessHost;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #counter = 0;
  #failure: Error | undefined;

  readonly #mcp: McpToolServer | undefined;

  constructor(host: ProcessHost, prefix: string, mcp?: McpToolServer) {
    this.#host = host;
    this.#prefix = prefix;
    this.#mcp = mcp;
  }

  /**
   * Sends a control request; resolves with its response body. Rejects on an error response, on
   * `signal`, after `timeoutMs`, or when the process exits first.
   */
  request(request: { subtype: string } & Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (options.signal?.aborted) return Promise.reject(asError(options.signal.reason));
    const requestId = `${this.#prefix}-${++this.#counter}`;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => finish(() => reject(asError(options.signal?.reason)));
      const finish = (settle: () => void) => {
        if (!this.#pending.delete(requestId)) return;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        settle();
      };
      this.#pending.set(requestId, {
        resolve: (response) => finish(() => resolve(response)),
        reject: (error) => finish(() => reject(error)),
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => finish(() => reject(new Error(`the CLI did not answer ${request.subtype} within ${options.timeoutMs} ms`))), options.timeoutMs);
      }
      this.#host.write(controlRequestLine(requestId, request));
    });
  }

  /** Takes the control messages out of the output; returns whether `message` was one. */
  handle(message: CliMessage): boolean {
    if (message.type === 'control_request') {
      const requestId = typeof message.request_id === 'string' ? message.request_id : '';
      const request = message.request as { subtype?: string; server_name?: string; message?: object } | undefined;
      if (this.#mcp && request?.subtype === 'mcp_message' && request.server_name === MCP_SERVER_NAME && request.message) {
        const answer = this.#mcp.handle(requestId, request.message);
        if (answer !== undefined) this.#host.write(answer);
        return true;
      }
      this.#host.write(controlRefusalLine(requestId, 'The gateway grants no permissions.'));
      return true;
    }
    if (message.type === 'control_cancel_request') return true;
    const response = controlResponseOf(message);
    if (!response) return false;
    const pending = this.#pending.get(response.request_id);
    if (!pending) return true;
    if (response.subtype === 'success') pending.resolve(response.response ?? {});
    else pending.reject(new Error(`the CLI refused the control request: ${response.error ?? 'unknown error'}`));
    return true;
  }

  /** The process is gone: every pending and future request fails with `error`. */
  fail(error: Error): void {
    this.#failure = error;
    for (const pending of [...this.#pending.values()]) pending.reject(error);
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}
