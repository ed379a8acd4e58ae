import type { ServerResponse } from 'node:http';
import { chunkText, estimateTokens } from '../fake-anthropic/anthropic-events.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest } from '../fake-anthropic/recording-server.ts';
import {
  buildCompletion,
  chunk,
  completionBody,
  completionChunks,
  openAIErrorType,
  type CompletionContext,
  type FakeOpenAIReply,
} from './openai-chunks.ts';

export type FakeOpenAIReplySource = FakeOpenAIReply | ((body: any) => FakeOpenAIReply);

export interface FakeOpenAIOptions {
  /** @defaultValue 0 (a free port) */
  port?: number;
  /** @defaultValue {@link echoOpenAIReply} */
  defaultReply?: FakeOpenAIReplySource;
}

/** A fake OpenAI-compatible chat completions upstream (vLLM, Ollama, OpenAI) on 127.0.0.1. */
export interface FakeOpenAI {
  /** Base URL including `/v1`, for `OPENAI_BASE_URL`. */
  url: string;
  requests: RecordedRequest[];
  enqueue(...replies: FakeOpenAIReply[]): void;
  setDefault(reply: FakeOpenAIReplySource): void;
  waitForDisconnect(): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** The text of the last user message (string or text parts). */
function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((message) => message?.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  if (!Array.isArray(last?.content)) return '';
  return last.content.filter((part: any) => part?.type === 'text').map((part: any) => part.text).join('');
}

/** The default reply: `echo: <last user text>`. */
export function echoOpenAIReply(body: any): FakeOpenAIReply {
  return { kind: 'text', text: `echo: ${lastUserText(body)}` };
}

/** Starts a fake serving `POST /v1/chat/completions` (JSON and SSE) and `GET /v1/models`. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: FakeOpenAIReply[] = [];
  let defaultReply: FakeOpenAIReplySource = options.defaultReply ?? echoOpenAIReply;
  let counter = 0;

  const server = await startRecordingServer(options.port ?? 0, async (recorded, response) => {
    counter++;
    const pathname = new URL(recorded.path, 'http://fake').pathname;
    if (recorded.method === 'GET' && pathname === '/v1/models') {
      return sendJson(response, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] });
    }
    if (recorded.method !== 'POST' || pathname !== '/v1/chat/completions') {
      return sendJson(response, 404, errorBody('Not found', 'invalid_request_error'));
    }
    const body = recorded.body;
    if (typeof body?.model !== 'string' || !Array.isArray(body.messages)) {
      return sendJson(response, 400, errorBody('model and messages are required', 'invalid_request_error'));
    }
    const reply = queue.shift() ?? (typeof defaultReply === 'function' ? defaultReply(body) : defaultReply);
    const context: CompletionContext = {
      id: `chatcmpl-fake${String(counter).padStart(6, '0')}`,
      model: body.model,
      created: 1_700_000_000 + counter,
      promptTokens: estimateTokens(JSON.stringify(body.messages)),
    };
    await answer(reply, body, context, response);
  });

  return {
    url: `${server.url}/v1`,
    requests: server.requests,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (defaultReply = reply),
    waitForDisconnect: server.waitForDisconnect,
    close: server.close,
  };
}

async function answer(reply: FakeOpenAIReply, body: any, context: CompletionContext, response: ServerResponse): Promise<void> {
  const stream = body.stream === true;
  const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
  switch (reply.kind) {
    case 'hang':
      return;
    case 'error': {
      const error = errorBody(reply.message ?? `fake error ${reply.status}`, reply.type ?? openAIErrorType(reply.status));
      if (stream && reply.afterChunks !== undefined) {
        const texts = chunkText('x '.repeat(reply.afterChunks)).slice(0, reply.afterChunks);
        return sendSse(response, [...texts.map((text) => frame(chunk(context, { content: text }))), frame(error)]);
      }
      return sendJson(response, reply.status, error, reply.headers);
    }
    case 'stall': {
      if (!stream) return;
      const texts = chunkText(reply.text).slice(0, reply.afterChunks);
      return sendSse(response, texts.map((text) => frame(chunk(context, { content: text }))), { end: false });
    }
    case 'text':
    case 'tool_calls': {
      const built = buildCompletion(reply, context);
      if (!stream) return sendJson(response, 200, completionBody(built, context));
      const chunks = completionChunks(built, context, body.stream_options?.include_usage === true);
      const delayMs = reply.kind === 'text' ? (reply.chunkDelayMs ?? 0) : 0;
      return sendSse(response, [...chunks.map(frame), 'data: [DONE]\n\n'], { delayMs });
    }
  }
}

function errorBody(message: string, type: string): Record<string, unknown> {
  return { error: { message, type, param: null, code: null } };
}
