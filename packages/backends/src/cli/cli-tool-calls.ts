import type { StreamPart } from '@llm-gateway/shared';
import { MCP_TOOL_PREFIX } from './cli-mcp-server.ts';
import type { CliMessage } from './protocol.ts';

interface StreamEvent {
  type?: string;
  index?: number;
  content_block?: { type?: string; id?: string; name?: string; input?: unknown };
  delta?: { type?: string; partial_json?: string; stop_reason?: string | null };
  usage?: { output_tokens?: number };
}

/**
 * The client's tool calls in a CLI turn, from its top-level stream events: a `tool_use` block of
 * one of our MCP tools becomes a tool-call delta under the client's own name, its input JSON
 * streams as argument deltas, and the model's `tool_use` stop ends the answer with `tool_calls`.
 * Sub-agent events (`parent_tool_use_id`) and the CLI's own tools are not the client's.
 */
export class CliToolCalls {
  /** Tool-call index by the event's content-block index, for blocks that are client calls (-1: the JSON answer). */
  readonly #blocks = new Map<number, { index: number; hasArguments: boolean }>();
  /** The MCP name of the tool whose input is the JSON answer, when `response_format` asks for JSON. */
  readonly #jsonTool: string | undefined;
  #json: string | undefined;
  #calls = 0;
  #outputTokens = 0;
  readonly #ids: string[] = [];

  constructor(jsonToolName?: string) {
    this.#jsonTool = jsonToolName === undefined ? undefined : `${MCP_TOOL_PREFIX}${jsonToolName}`;
  }

  /** The JSON answer's text so far, once the model called the answer tool; undefined until then. */
  get json(): string | undefined {
    return this.#json;
  }

  /** The `tool_use` ids of the calls seen so far, in order. */
  get ids(): readonly string[] {
    return this.#ids;
  }

  /** Output tokens of the API call that asked for the tools, as its `message_delta` reported them. */
  get outputTokens(): number {
    return this.#outputTokens;
  }

  /** The parts `message` yields, and whether the model stopped to have its calls run. */
  push(message: CliMessage): { parts: StreamPart[]; stopped: boolean } {
    if (message.type !== 'stream_event' || message.parent_tool_use_id) return NOTHING;
    const event = message.event as StreamEvent | undefined;
    switch (event?.type) {
      case 'content_block_start':
        return { parts: this.#start(event), stopped: false };
      case 'content_block_delta': {
        const block = this.#blocks.get(event.index ?? -1);
        if (!block || event.delta?.type !== 'input_json_delta' || !event.delta.partial_json) return NOTHING;
        block.hasArguments = true;
        if (block.index < 0) return { parts: this.#jsonText(event.delta.partial_json), stopped: false };
        return { parts: [{ type: 'tool-call-delta', index: block.index, argumentsDelta: event.delta.partial_json }], stopped: false };
      }
      case 'content_block_stop': {
        const block = this.#blocks.get(event.index ?? -1);
        // A call without arguments streams no JSON at all; OpenAI clients expect "{}".
        if (!block || block.hasArguments) return NOTHING;
        block.hasArguments = true;
        if (block.index < 0) return { parts: this.#jsonText('{}'), stopped: false };
        return { parts: [{ type: 'tool-call-delta', index: block.index, argumentsDelta: '{}' }], stopped: false };
      }
      case 'message_delta':
        this.#outputTokens = event.usage?.output_tokens ?? this.#outputTokens;
        return { parts: [], stopped: event.delta?.stop_reason === 'tool_use' && (this.#calls > 0 || this.#json !== undefined) };
      default:
        return NOTHING;
    }
  }

  #jsonText(text: string): StreamPart[] {
    this.#json = (this.#json ?? '') + text;
    return [{ type: 'text-delta', text }];
  }

  #start(event: StreamEvent): StreamPart[] {
    const block = event.content_block;
    if (block?.type !== 'tool_use' || !block.name?.startsWith(MCP_TOOL_PREFIX)) return [];
    if (block.name === this.#jsonTool) {
      // The answer itself, not a call for the client: its input streams as the message text.
      const answer = { index: -1, hasArguments: false };
      this.#blocks.set(event.index ?? -1, answer);
      this.#json = '';
      const input = block.input;
      if (typeof input !== 'object' || input === null || Object.keys(input).length === 0) return [];
      answer.hasArguments = true;
      return this.#jsonText(JSON.stringify(input));
    }
    const call = { index: this.#calls++, hasArguments: false };
    this.#blocks.set(event.index ?? -1, call);
    const id = block.id ?? `call_${call.index}`;
    this.#ids.push(id);
    const parts: StreamPart[] = [{ type: 'tool-call-delta', index: call.index, id, name: block.name.slice(MCP_TOOL_PREFIX.length), argumentsDelta: '' }];
    const input = block.input;
    if (typeof input === 'object' && input !== null && Object.keys(input).length > 0) {
      call.hasArguments = true;
      parts.push({ type: 'tool-call-delta', index: call.index, argumentsDelta: JSON.stringify(input) });
    }
    return parts;
  }
}

const NOTHING: { parts: StreamPart[]; stopped: boolean } = { parts: [], stopped: false };
