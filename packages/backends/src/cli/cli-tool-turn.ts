import type { ChatRequest } from '@llm-gateway/shared';
import { McpToolServer, type McpToolCall } from './cli-mcp-server.ts';

/**
 * The tool calls of a session's current turn, once its answer has ended in `tool_calls`: the
 * turn stays open (parked) while the client runs them; the follow-up that carries every result
 * resumes it, and the CLI's `tools/call` requests are answered with those results, so the model
 * sees native `tool_result`s and goes on with the same turn. Writes nothing itself: it returns the
 * lines the session writes.
 */
export class CliToolTurn {
  /** The calls a parked turn waits on, by `tool_use` id. */
  #waitingOn: readonly string[] = [];
  /** The client's results once the turn is resumed, for calls the CLI has yet to make. */
  #results: Map<string, string> | undefined;
  /** `tools/call`s the CLI made that have no result yet. */
  #held: McpToolCall[] = [];

  /** The calls a parked turn waits on; empty when no turn is parked. */
  get parkedCalls(): readonly string[] {
    return this.#waitingOn;
  }

  /** Keeps the turn open for the client's results of these calls. */
  park(callIds: readonly string[]): void {
    this.#waitingOn = callIds;
    this.#results = undefined;
  }

  /** Whether `request` is the follow-up of the parked turn: its `tool` messages answer every call. */
  answeredBy(request: ChatRequest): boolean {
    if (this.#waitingOn.length === 0) return false;
    const answered = new Set(request.messages.flatMap((message) => (message.role === 'tool' ? [message.toolCallId] : [])));
    return this.#waitingOn.every((id) => answered.has(id));
  }

  /** Resumes the parked turn with `request`'s results; returns the answers to calls already made. */
  resume(request: ChatRequest): string[] {
    const results = new Map<string, string>();
    for (const message of request.messages) if (message.role === 'tool') results.set(message.toolCallId, message.content);
    this.#results = results;
    this.#waitingOn = [];
    const lines: string[] = [];
    this.#held = this.#held.filter((call) => {
      const result = results.get(call.toolUseId ?? '');
      if (result === undefined) return true;
      lines.push(McpToolServer.resultLine(call, result));
      return false;
    });
    return lines;
  }

  /** A `tools/call` the CLI made: its answer when the result is known, else undefined (held). */
  call(call: McpToolCall): string | undefined {
    const result = this.#results?.get(call.toolUseId ?? '');
    if (result !== undefined) return McpToolServer.resultLine(call, result);
    this.#held.push(call);
    return undefined;
  }

  /** The turn is over (ended or interrupted): calls still held are told no result will come. */
  end(): string[] {
    const lines = this.#held.map((call) => McpToolServer.resultLine(call, 'The turn ended before the result arrived.', true));
    this.#held = [];
    this.#waitingOn = [];
    this.#results = undefined;
    return lines;
  }
}
