/**
 * Builds Anthropic Messages API bodies and SSE events in the exact shapes the real API sends
 * (see `__fixtures__/*.sse` for recorded-shape examples), from a simple reply description.
 */

/** Token counts a reply reports; unset fields get deterministic estimates. */
export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** One tool call the fake model makes. */
export interface FakeToolCall {
  /** @defaultValue `toolu_fake_<request>_<index>` */
  id?: string;
  name: string;
  input: unknown;
}

/** What the fake answers with. */
export type FakeReply =
  | {
      kind: 'text';
      text: string;
      /** @defaultValue `'end_turn'` */
      stopReason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';
      /** The matched stop sequence, with `stopReason: 'stop_sequence'`. */
      stopSequence?: string;
      usage?: FakeUsage;
      /** Pause between streamed chunks. @defaultValue 0 */
      chunkDelayMs?: number;
    }
  | { kind: 'tool_use'; calls: FakeToolCall[]; text?: string; usage?: FakeUsage }
  | {
      kind: 'error';
      status: number;
      /** Anthropic error type. @defaultValue derived from the status */
      type?: string;
      message?: string;
      headers?: Record<string, string>;
      /**
       * On a streaming request, send this many text chunks of a normal answer first, then the
       * error as an SSE `error` event (HTTP 200), as the real API does for mid-stream failures.
       */
      afterChunks?: number;
    }
  /** Accepts the request and never answers (not even headers). */
  | { kind: 'hang' }
  /** Streams `afterChunks` chunks of `text`, then goes silent with the connection open. */
  | { kind: 'stall'; text: string; afterChunks: number };

/** A content block of a non-streaming message. */
export type FakeContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** One SSE event: its `event:` name and `data:` object. */
export interface FakeSseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** The error `type` the real API uses for a status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** The body of an error response (and the `data` of an SSE `error` event, minus request_id). */
export function errorBody(type: string, message: string, requestId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { type: 'error', error: { type, message } };
  if (requestId !== undefined) body['request_id'] = requestId;
  return body;
}

/** Splits text into word-sized chunks, whitespace kept, so joining them gives the text back. */
export function chunkText(text: string): string[] {
  if (text === '') return [];
  const chunks: string[] = text.match(/\s*\S+/g) ?? [];
  const covered = chunks.join('').length;
  if (covered < text.length) chunks.push(text.slice(covered)); // trailing whitespace
  return chunks;
}

/** Splits JSON text into a few pieces, as the real API streams `input_json_delta`s. */
export function chunkJson(json: string, size = 12): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}

/** A rough, deterministic token estimate (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export interface MessageContext {
  messageId: string;
  model: string;
  inputTokens: number;
  /** What a modelled prompt cache read and wrote (`latency-model.ts`). @defaultValue 0 */
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
}

export interface BuiltReply {
  content: FakeContentBlock[];
  stopReason: string;
  stopSequence: string | null;
  usage: Required<FakeUsage>;
}

/** Resolves a text or tool_use reply into content blocks, stop reason and usage. */
export function buildReply(
  reply: Extract<FakeReply, { kind: 'text' | 'tool_use' }>,
  context: MessageContext,
): BuiltReply {
  const content: FakeContentBlock[] = [];
  if (reply.text !== undefined && reply.text !== '') content.push({ type: 'text', text: reply.text });
  if (reply.kind === 'tool_use') {
    reply.calls.forEach((call, index) => {
      const id = call.id ?? `toolu_fake_${context.messageId.slice(-6)}_${index}`;
      content.push({ type: 'tool_use', id, name: call.name, input: call.input });
    });
  }
  const outputText = content.map((block) => (block.type === 'text' ? block.text : JSON.stringify(block.input)));
  const usage: Required<FakeUsage> = {
    input_tokens: reply.usage?.input_tokens ?? context.inputTokens,
    output_tokens: reply.usage?.output_tokens ?? estimateTokens(outputText.join('')),
    cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? context.cacheReadTokens ?? 0,
    cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? context.cacheCreationTokens ?? 0,
  };
  const stopReason = reply.kind === 'tool_use' ? 'tool_use' : (reply.stopReason ?? 'end_turn');
  const stopSequence = reply.kind === 'text' ? (reply.stopSequence ?? null) : null;
  return { content, stopReason, stopSequence, usage };
}

/** The non-streaming `message` object. */
export function messageBody(built: BuiltReply, context: MessageContext): Record<string, unknown> {
  return {
    id: context.messageId,
    type: 'message',
    role: 'assistant',
    model: context.model,
    content: built.content,
    stop_reason: built.stopReason,
    stop_sequence: built.stopSequence,
    usage: { ...built.usage, service_tier: 'standard' },
  };
}

/** The opening `message_start` event. */
export function messageStartEvent(context: MessageContext, usage?: Required<FakeUsage>): FakeSseEvent {
  return {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id: context.messageId,
        type: 'message',
        role: 'assistant',
        model: context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage?.input_tokens ?? context.inputTokens,
          cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? context.cacheCreationTokens ?? 0,
          cache_read_input_tokens: usage?.cache_read_input_tokens ?? context.cacheReadTokens ?? 0,
          output_tokens: 1,
          service_tier: 'standard',
        },
      },
    },
  };
}

/** Events of one text block: start, deltas, stop. */
export function textBlockEvents(index: number, chunks: string[]): FakeSseEvent[] {
  return [
    { event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } },
    ...chunks.map((text) => textDeltaEvent(index, text)),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
  ];
}

export function textDeltaEvent(index: number, text: string): FakeSseEvent {
  return { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } };
}

/** Events of one tool_use block: start with empty input, an empty first delta (as the real API sends), JSON pieces, stop. */
export function toolUseBlockEvents(index: number, block: Extract<FakeContentBlock, { type: 'tool_use' }>): FakeSseEvent[] {
  const json = JSON.stringify(block.input);
  return [
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
    },
    ...['', ...chunkJson(json)].map((partial_json) => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
    })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
  ];
}

/** The closing `message_delta` and `message_stop` events. */
export function messageEndEvents(built: BuiltReply): FakeSseEvent[] {
  return [
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: built.stopReason, stop_sequence: built.stopSequence },
        usage: { ...built.usage },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

export const PING_EVENT: FakeSseEvent = { event: 'ping', data: { type: 'ping' } };

/** Renders one event in the wire format: `event: x\ndata: {...}\n\n`. */
export function renderSse(event: FakeSseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
