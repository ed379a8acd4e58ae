import type { ProcessHost } from './process-host.ts';
import { controlRefusalLine, controlRequestLine, controlResponseOf, type CliMessage } from './protocol.ts';

interface Pending {
  resolve: (response: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/**
 * Control requests to one CLI process (`initialize`, `set_model`, `interrupt`, `mcp_status`) and
 * their responses, matched by request id. Control requests the CLI sends us (permission prompts)
 * are refused: a session never grants anything.
 */
export class CliControl {
  readonly #host: ProcessHost;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #counter = 0;
  #failure: Error | undefined;

  constructor(host: ProcessHost, prefix: string) {
    this.#host = host;
    this.#prefix = prefix;
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
