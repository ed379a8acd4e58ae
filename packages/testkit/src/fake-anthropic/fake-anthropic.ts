import type { ServerResponse } from 'node:http';
import {
  anthropicErrorType,
  buildReply,
  chunkText,
  errorBody,
  estimateTokens,
  messageBody,
  messageEndEvents,
  messageStartEvent,
  PING_EVENT,
  renderSse,
  textBlockEvents,
  textDeltaEvent,
  toolUseBlockEvents,
  type FakeReply,
  type FakeSseEvent,
  type MessageContext,
} from './anthropic-events.ts';
import { createLatencyModel, type LatencyModelOptions } from './latency-model.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest } from './recording-server.ts';

export type { RecordedRequest } from './recording-server.ts';

/** A reply, or a function choosing one from the request body. */
export type FakeReplySource = FakeReply | ((body: any) => FakeReply);

export interface FakeAnthropicOptions {
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** @defaultValue {@link echoReply} */
  defaultReply?: FakeReplySource;
  /**
   * Answers like a real upstream in time and usage: each request waits a fixed latency plus a cost
   * per input token its prompt cache does not cover (`latency-model.ts`), and its usage reports
   * the cache's read and written tokens. @defaultValue undefined (answers at once, no cache)
   */
  latency?: LatencyModelOptions;
}

/** A fake Anthropic Messages API on 127.0.0.1. */
export interface FakeAnthropic {
  /** Base URL without a trailing slash, for `ANTHROPIC_BASE_URL`. */
  url: string;
  requests: RecordedRequest[];
  /** Replies used by the next `POST /v1/messages` requests, in order, before the default. */
  enqueue(...replies: FakeReply[]): void;
  setDefault(reply: FakeReplySource): void;
  /** Resolves with the next request whose client disconnects before the answer is complete. */
  waitForDisconnect(): Promise<RecordedRequest>;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

/** The text of the last text block of the last user message. */
export function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (!Array.isArray(message.content)) return '';
    const texts = message.content.filter((block: any) => block?.type === 'text');
    return texts.length === 0 ? '' : String(texts[texts.length - 1].text ?? '');
  }
  return '';
}

/**
 * The default reply: `echo: <last user text>`. When the request forces a tool
 * (`tool_choice: {type:'tool', name}`), a call of that tool with input `{text: <last user text>}`.
 */
export function echoReply(body: any): FakeReply {
  const text = lastUserText(body);
  if (body?.tool_choice?.type === 'tool' && typeof body.tool_choice.name === 'string') {
    return { kind: 'tool_use', calls: [{ name: body.tool_choice.name, input: { text } }] };
  }
  return { kind: 'text', text: `echo: ${text}` };
}

/** Starts a fake Anthropic Messages API serving `POST /v1/messages` (JSON and SSE). */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const queue: FakeReply[] = [];
  let defaultReply: FakeReplySource = options.defaultReply ?? echoReply;
  let counter = 0;
  const latency = options.latency ? createLatencyModel(options.latency) : undefined;

  const server = await startRecordingServer(options.port ?? 0, async (recorded, response) => {
    const requestId = `req_fake_${++counter}`;
    response.setHeader('request-id', requestId);
    const pathname = new URL(recorded.path, 'http://fake').pathname;
    if (recorded.method !== 'POST' || pathname !== '/v1/messages') {
      return sendJson(response, 404, errorBody('not_found_error', 'Not found', requestId));
    }
    const body = recorded.body;
    const invalid = validate(body);
    if (invalid !== undefined) {
      return sendJson(response, 400, errorBody('invalid_request_error', invalid, requestId));
    }
    const reply = queue.shift() ?? (typeof defaultReply === 'function' ? defaultReply(body) : defaultReply);
    const context: MessageContext = {
      messageId: `msg_fake_${String(counter).padStart(6, '0')}`,
      model: body.model,
      inputTokens: estimateTokens(JSON.stringify(body.messages) + JSON.stringify(body.system ?? '')),
    };
    const plan = latency?.plan(body);
    if (plan) {
      context.inputTokens = plan.usage.inputTokens;
      context.cacheReadTokens = plan.usage.cacheReadTokens;
      context.cacheCreationTokens = plan.usage.cacheCreationTokens;
      // The time to the first byte: the real API sends nothing, not even headers, before prefill.
      await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    }
    await answer(reply, body.stream === true, context, requestId, response);
  });

  return {
    url: server.url,
    requests: server.requests,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (defaultReply = reply),
    waitForDisconnect: server.waitForDisconnect,
    close: server.close,
  };
}

async function answer(
  reply: FakeReply,
  stream: boolean,
  context: MessageContext,
  requestId: string,
  response: ServerResponse,
): Promise<void> {
  switch (reply.kind) {
    case 'hang':
      return; // the connection stays open until the client or close() ends it
    case 'error': {
      const type = reply.type ?? anthropicErrorType(reply.status);
      const message = reply.message ?? `fake ${type}`;
      if (stream && reply.afterChunks !== undefined) {
        const events = [messageStartEvent(context), ...textBlockEvents(0, chunkText('x '.repeat(reply.afterChunks)))];
        const head = events.slice(0, 2 + reply.afterChunks);
        return sendEvents(response, [...head, { event: 'error', data: errorBody(type, message) }], 0, true);
      }
      return sendJson(response, reply.status, errorBody(type, message, requestId), reply.headers);
    }
    case 'stall': {
      const chunks = chunkText(reply.text).slice(0, reply.afterChunks);
      if (!stream) return; // a non-streaming stall looks like a hang
      const events = [messageStartEvent(context), textBlockEvents(0, [])[0]!, ...chunks.map((text) => textDeltaEvent(0, text))];
      return sendEvents(response, events, 0, false);
    }
    case 'text':
    case 'tool_use': {
      const built = buildReply(reply, context);
      if (!stream) return sendJson(response, 200, messageBody(built, context));
      const events: FakeSseEvent[] = [messageStartEvent(context, built.usage)];
      built.content.forEach((block, index) => {
        const blockEvents =
          block.type === 'text' ? textBlockEvents(index, chunkText(block.text)) : toolUseBlockEvents(index, block);
        events.push(...blockEvents);
        // The real API sends a ping after the first content_block_start.
        if (index === 0) events.splice(2, 0, PING_EVENT);
      });
      events.push(...messageEndEvents(built));
      const delay = reply.kind === 'text' ? (reply.chunkDelayMs ?? 0) : 0;
      return sendEvents(response, events, delay, true);
    }
  }
}

function sendEvents(response: ServerResponse, events: FakeSseEvent[], delayMs: number, end: boolean): Promise<void> {
  return sendSse(response, events.map(renderSse), {
    delayMs,
    end,
    pauseAfter: (index) => events[index]!.event === 'content_block_delta',
  });
}

/** The checks of the real API that catch translation bugs: these fields are required. */
function validate(body: any): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  return undefined;
}
