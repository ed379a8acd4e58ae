import { Agent, request as undiciRequest } from 'undici';
import { GatewayError, type ChatRequest, type StreamPart } from '@llm-gateway/shared';
import type { Backend, BackendCallOptions } from '../backend.ts';
import { retryBeforeOutput } from '../upstream/retry-before-output.ts';
import { retryAfterSeconds } from '../upstream/upstream-status.ts';
import { completionToChunks, createOpenAIChunkTranslator } from './openai-chunk-translator.ts';
import { errorDetail, fromOpenAIUpstreamError, isRetryableOpenAIError, UpstreamHttpError } from './openai-errors.ts';
import { sseData } from './sse-data.ts';
import { toOpenAIRequest, type MaxTokensField } from './to-openai-request.ts';

export interface OpenAIBackendOptions {
  /** `OPENAI_BASE_URL`, up to and including `/v1`. @defaultValue `https://api.openai.com/v1` */
  baseUrl?: string;
  /** `OPENAI_API_KEY`; servers such as Ollama need none. @defaultValue none */
  apiKey?: string;
  /** Client model name → upstream model name. @defaultValue `{}` (names pass through) */
  modelMap?: Readonly<Record<string, string>>;
  /** Listed in `models()`. @defaultValue the keys of `modelMap` */
  models?: readonly string[];
  /** @defaultValue `max_completion_tokens` for api.openai.com, else `max_tokens` */
  maxTokensField?: MaxTokensField;
  /** Ask for the final usage chunk; turn off for servers that refuse `stream_options`. @defaultValue true */
  includeUsage?: boolean;
  /** Retries of a retryable failure before any output. @defaultValue 2 */
  maxRetries?: number;
  /** @defaultValue 250 */
  retryBaseDelayMs?: number;
  /** @defaultValue 2000 */
  retryMaxDelayMs?: number;
  /**
   * Ask for one JSON completion when the client does not stream (`BackendCallOptions.stream`
   * false), rather than an SSE stream. @defaultValue true
   */
  jsonWhenNotStreaming?: boolean;
}

/** The OpenAI-compatible backend: stateless, run directly. */
export interface OpenAIBackend extends Backend {
  close(): Promise<void>;
}

/**
 * Creates the `openai` backend: forwards to any OpenAI-compatible chat completions server (vLLM,
 * Ollama, OpenAI) over a keep-alive undici pool, streaming upstream when the client streams.
 */
export function createOpenAIBackend(options: OpenAIBackendOptions = {}): OpenAIBackend {
  const {
    apiKey,
    modelMap = {},
    includeUsage = true,
    maxRetries = 2,
    retryBaseDelayMs = 250,
    retryMaxDelayMs = 2000,
    jsonWhenNotStreaming = true,
  } = options;
  const baseUrl = (options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
  const url = `${baseUrl}/chat/completions`;
  const maxTokensField = options.maxTokensField ?? (new URL(baseUrl).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens');
  const models = options.models ?? Object.keys(modelMap);
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (apiKey !== undefined) headers['authorization'] = `Bearer ${apiKey}`;
  const jsonHeaders: Record<string, string> = { ...headers, accept: 'application/json' };

  /** One request upstream: yields the output parts, then the closing ones; throws what failed. */
  async function* attempt(body: string, json: boolean, signal: AbortSignal): AsyncGenerator<StreamPart> {
    const translator = createOpenAIChunkTranslator();
    const response = await undiciRequest(url, { dispatcher: agent, method: 'POST', headers: json ? jsonHeaders : headers, body, signal });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = await response.body.text();
      throw new UpstreamHttpError(response.statusCode, errorDetail(text), retryAfterSeconds(toHeaders(response.headers)));
    }
    if (!String(response.headers['content-type'] ?? '').includes('text/event-stream')) {
      // A JSON answer: asked for, or from a server that ignored `stream: true`.
      for (const chunk of completionToChunks(await response.body.json())) yield* translator.push(chunk);
    } else {
      // Read to the end of the body even after [DONE]: an unread body would cost the connection.
      for await (const data of sseData(response.body)) {
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data) as { error?: { message?: string } };
        if (chunk.error) throw new UpstreamHttpError(502, chunk.error.message ?? 'error event in the stream', undefined);
        yield* translator.push(chunk);
      }
    }
    const closing = translator.end();
    if (closing === undefined) throw new GatewayError('upstream_error', 'The upstream ended the answer before finishing it.');
    yield* closing;
  }

  // Not a generator itself: it hands back retryBeforeOutput's, so each part crosses one
  // async-generator hop fewer on its way to the client.
  function stream(request: ChatRequest, callOptions: BackendCallOptions): AsyncIterable<StreamPart> {
    const { signal, log } = callOptions;
    const json = jsonWhenNotStreaming && callOptions.stream === false;
    let body: string;
    try {
      const payload = toOpenAIRequest(request, { maxTokensField, includeUsage, models: modelMap });
      if (json) {
        payload['stream'] = false;
        delete payload['stream_options'];
      }
      body = JSON.stringify(payload);
    } catch (error) {
      // Thrown where a generator would have thrown it: on the first read.
      return failing(error);
    }
    return retryBeforeOutput(() => attempt(body, json, signal), {
      signal,
      log,
      label: 'openai upstream',
      maxRetries,
      baseDelayMs: retryBaseDelayMs,
      maxDelayMs: retryMaxDelayMs,
      retryable: isRetryableOpenAIError,
      retryAfter: (error) => (error instanceof UpstreamHttpError ? error.retryAfter : undefined),
      toGatewayError: fromOpenAIUpstreamError,
      describe,
    });
  }

  return { name: 'openai', models: () => models, stream, close: () => agent.close() };
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function* failing(error: unknown): AsyncGenerator<StreamPart> {
  throw error;
}
