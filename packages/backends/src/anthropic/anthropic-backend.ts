import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatRequest, type Logger, type StreamPart } from '@llm-gateway/shared';
import type { Backend, BackendCallOptions } from '../backend.ts';
import { retryBeforeOutput } from '../upstream/retry-before-output.ts';
import { retryAfterSeconds } from '../upstream/upstream-status.ts';
import { fromAnthropicError, isRetryableAnthropicError } from './anthropic-errors.ts';
import { anthropicModelTable } from './anthropic-models.ts';
import { AnthropicSseReader } from './anthropic-sse-reader.ts';
import { createAnthropicStreamTranslator } from './anthropic-stream-translator.ts';
import { createKeepAliveFetch, type FetchFunction } from './keep-alive-fetch.ts';
import { messageToEvents } from './message-events.ts';
import { toAnthropicRequest, type AnthropicRequestPlan } from './to-anthropic-request.ts';

export interface AnthropicBackendOptions {
  /** `ANTHROPIC_API_KEY` (or the content of `ANTHROPIC_API_KEY_FILE`). */
  apiKey: string;
  /** `ANTHROPIC_BASE_URL`. @defaultValue `https://api.anthropic.com` */
  baseUrl?: string;
  /** Aliases added to (or overriding) {@link ANTHROPIC_MODEL_IDS}. @defaultValue `{}` */
  modelAliases?: Readonly<Record<string, string>>;
  /** `max_tokens` when the client gives none; Anthropic requires one. @defaultValue 4096 */
  defaultMaxTokens?: number;
  /** Retries of a retryable failure before any output. @defaultValue 2 */
  maxRetries?: number;
  /** @defaultValue 250 */
  retryBaseDelayMs?: number;
  /** @defaultValue 2000 */
  retryMaxDelayMs?: number;
  /** The HTTP client. @defaultValue a keep-alive undici client ({@link createKeepAliveFetch}) */
  fetch?: FetchFunction;
  /** For the SDK's own warnings. @defaultValue none (silent) */
  log?: Logger;
  /**
   * Fetch the answer in one JSON body when the client does not stream (`BackendCallOptions.stream`
   * false), rather than as SSE: measured ~15–20 % more req/s through the gateway (bench/api-backend.ts).
   * @defaultValue true
   */
  jsonWhenNotStreaming?: boolean;
}

/** The Anthropic API backend: stateless, so it runs directly (no session pool). */
export interface AnthropicBackend extends Backend {
  /** Closes the pooled upstream connections. */
  close(): Promise<void>;
}

/**
 * Creates the `api` backend: OpenAI-shaped requests answered by the Anthropic Messages API
 * through the official SDK, streamed upstream when the client streams (the first token reaches it
 * early) and fetched as one JSON message otherwise (cheaper to parse). The client-level timeout
 * keeps the SDK from refusing large non-streamed `max_tokens`.
 */
export function createAnthropicBackend(options: AnthropicBackendOptions): AnthropicBackend {
  const {
    jsonWhenNotStreaming = true,
    defaultMaxTokens = 4096,
    maxRetries = 2,
    retryBaseDelayMs = 250,
    retryMaxDelayMs = 2000,
  } = options;
  const models = anthropicModelTable(options.modelAliases);
  const pool = options.fetch === undefined ? createKeepAliveFetch() : undefined;
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? 'https://api.anthropic.com',
    fetch: options.fetch ?? pool!.fetch,
    // Retries are ours: the SDK would also retry 429s and retry after output has streamed.
    maxRetries: 0,
    // No spans: the gateway does not use OpenTelemetry, and starting one costs ~2 % of a request.
    openTelemetry: false,
    // The caller's signal sets the real deadline; this only catches a forgotten one.
    timeout: 10 * 60_000,
    ...(options.log === undefined ? { logLevel: 'off' as const } : { logger: options.log, logLevel: 'warn' as const }),
  });
  const listed = [...new Set([...Object.keys(models), ...Object.values(models)])];

  /**
   * One request upstream: yields the output parts, then the closing ones; throws what failed. A
   * streamed answer is read from the SDK's raw response ({@link AnthropicSseReader}), not through
   * its `Stream`: the profile of `pnpm bench -- streams` put the SDK's iterator at ~10 % of the
   * gateway's CPU. The SDK still builds, sends and checks the request (a non-2xx status throws its
   * `APIError` before any body is read).
   */
  async function* attempt(plan: AnthropicRequestPlan, json: boolean, signal: AbortSignal): AsyncGenerator<StreamPart> {
    const translator = createAnthropicStreamTranslator({ jsonToolName: plan.jsonToolName });
    // The closing parts wait until the body has ended: a consumer stops at `finish`, and leaving
    // the body unread then would abort the request and the keep-alive connection.
    const closing: StreamPart[] = [];
    let reader: AnthropicSseReader | undefined;
    // A whole message is one batch of events; a streamed body is byte chunks the reader turns into events.
    let batches: Iterable<readonly RawMessageStreamEvent[]> | AsyncIterable<Uint8Array>;
    if (json) {
      batches = [messageToEvents(await client.messages.create({ ...plan.params, stream: false }, { signal }))];
    } else {
      const response = await client.messages.create(plan.params, { signal }).asResponse();
      if (response.body === null) throw new GatewayError('upstream_error', 'The Anthropic API answered a streamed request without a body.');
      reader = new AnthropicSseReader(response.headers);
      // UpstreamResponse, and a web ReadableStream under another fetch, are both async iterables of bytes.
      batches = response.body as unknown as AsyncIterable<Uint8Array>;
    }
    for await (const batch of batches) {
      const events = reader === undefined ? (batch as readonly RawMessageStreamEvent[]) : reader.push(batch as Uint8Array);
      for (const event of events) {
        for (const part of translator.push(event)) {
          if (part.type === 'usage' || part.type === 'finish') closing.push(part);
          else yield part;
        }
      }
      reader?.throwIfFailed();
    }
    if (signal.aborted) return;
    if (!closing.some((part) => part.type === 'finish')) throw new GatewayError('upstream_error', 'The Anthropic API ended the answer before finishing it.');
    yield* closing;
  }

  // Not a generator itself: it hands back retryBeforeOutput's, so each part crosses one
  // async-generator hop fewer on its way to the client.
  function stream(request: ChatRequest, callOptions: BackendCallOptions): AsyncIterable<StreamPart> {
    const { signal, log } = callOptions;
    let plan: AnthropicRequestPlan;
    try {
      plan = toAnthropicRequest(request, { models, defaultMaxTokens });
    } catch (error) {
      return onlyPart({ type: 'error', error: fromAnthropicError(error).toJSON() });
    }
    const json = jsonWhenNotStreaming && callOptions.stream === false;
    return retryBeforeOutput(() => attempt(plan, json, signal), {
      signal,
      log,
      label: 'anthropic request',
      maxRetries,
      baseDelayMs: retryBaseDelayMs,
      maxDelayMs: retryMaxDelayMs,
      retryable: (error) => (error instanceof GatewayError ? error.retryable : isRetryableAnthropicError(error)),
      retryAfter: (error) => retryAfterSeconds(error instanceof Anthropic.APIError ? error.headers : undefined),
      toGatewayError: fromAnthropicError,
      describe,
    });
  }

  return {
    name: 'api',
    models: () => listed,
    stream,
    close: async () => {
      await pool?.close();
    },
  };
}

async function* onlyPart(part: StreamPart): AsyncGenerator<StreamPart> {
  yield part;
}

/** A short description for logs: status and type, never headers (they may echo credentials). */
function describe(error: unknown): string {
  if (error instanceof Anthropic.APIError) return `${error.status ?? 'stream'} ${error.type ?? ''} ${error.apiMessage ?? ''}`.trim();
  return error instanceof Error ? error.message : String(error);
}
