import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';

/**
 * How one request ended, from the client's side:
 * - `ok`: a complete answer (JSON with content, or a stream that ended with `[DONE]`);
 * - `clean-error`: an OpenAI-shaped error (`{"error":{"message","type",…}}` as the body, or as the
 *   last event of a stream, with no `[DONE]`);
 * - `aborted`: the client itself went away on purpose;
 * - `hung`: nothing ended it before the client's deadline;
 * - `broken`: anything else (reset socket, truncated stream, a body that is not OpenAI-shaped).
 */
export type OutcomeKind = 'ok' | 'clean-error' | 'aborted' | 'hung' | 'broken';

export interface Outcome {
  kind: OutcomeKind;
  /** HTTP status, or null when none arrived. */
  status: number | null;
  /** The error's `code` (or the socket error's code, for `broken`). */
  code?: string;
  /** Why it counts as broken, or the error message. */
  detail?: string;
  stream: boolean;
  /** `Date.now()` when the request was sent. */
  startedAt: number;
  latencyMs: number;
  /** The answer's text (what arrived, for a stream). */
  text: string;
}

export interface CompletionRequestOptions {
  /** The last user message (mock directives go here). */
  content: string;
  stream?: boolean;
  /** @defaultValue `claude-sonnet` */
  model?: string;
  /** The client gives up (and records `hung`) after this. */
  deadlineMs: number;
  /** Drop the connection as soon as the first piece of content has streamed in. */
  abortAfterFirstContent?: boolean;
  /** Drop the connection this long after sending, whatever has arrived. */
  abortAfterMs?: number;
  agent?: Agent;
  headers?: Record<string, string>;
}

interface OpenAIErrorBody {
  error?: { message?: unknown; type?: unknown; code?: unknown };
}

/** The error inside a body, when it is OpenAI-shaped. */
export function openAIError(body: unknown): { code: string; message: string } | undefined {
  const error = (body as OpenAIErrorBody | null)?.error;
  if (!error || typeof error.message !== 'string' || typeof error.type !== 'string') return undefined;
  return { code: typeof error.code === 'string' ? error.code : String(error.type), message: error.message };
}

/** Reads an SSE body (already complete) the way the openai client would. */
export function classifyStream(body: string): Pick<Outcome, 'kind' | 'code' | 'detail' | 'text'> {
  let text = '';
  let finished = false;
  let done = false;
  for (const block of body.split('\n\n')) {
    const data = block
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .join('\n');
    if (data === '') continue;
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return { kind: 'broken', detail: `an SSE event is not JSON: ${data.slice(0, 80)}`, text };
    }
    const error = openAIError(event);
    if (error) return done ? { kind: 'broken', detail: 'an error after [DONE]', text } : { kind: 'clean-error', code: error.code, detail: error.message, text };
    const choice = (event as { choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }> }).choices?.[0];
    if (typeof choice?.delta?.content === 'string') text += choice.delta.content;
    if (typeof choice?.finish_reason === 'string') finished = true;
  }
  if (done && finished) return { kind: 'ok', text };
  return { kind: 'broken', detail: done ? '[DONE] without a finish_reason' : 'the stream ended without [DONE] or an error event', text };
}

/** Reads a JSON completion or error body. */
export function classifyJson(status: number, body: string): Pick<Outcome, 'kind' | 'code' | 'detail' | 'text'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'broken', detail: `status ${status} with a body that is not JSON: ${body.slice(0, 80)}`, text: '' };
  }
  if (status === 200) {
    const content = (parsed as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
    return typeof content === 'string' ? { kind: 'ok', text: content } : { kind: 'broken', detail: 'a 200 without choices[0].message.content', text: '' };
  }
  const error = openAIError(parsed);
  return error ? { kind: 'clean-error', code: error.code, detail: error.message, text: '' } : { kind: 'broken', detail: `status ${status} without an OpenAI error body`, text: '' };
}

/**
 * Sends one chat completion over node:http and says how it ended. Never throws and never waits
 * past `deadlineMs`.
 */
export function requestCompletion(baseUrl: string, options: CompletionRequestOptions): Promise<Outcome> {
  const { content, stream = false, model = 'claude-sonnet', deadlineMs, abortAfterFirstContent = false } = options;
  const payload = JSON.stringify({ model, stream, messages: [{ role: 'user', content }] });
  const startedAt = Date.now();
  const started = performance.now();
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let status: number | null = null;
    const finish = (result: Pick<Outcome, 'kind' | 'code' | 'detail' | 'text'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...result, status, stream, startedAt, latencyMs: performance.now() - started });
    };
    const outgoing = httpRequest(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...options.headers },
      ...(options.agent ? { agent: options.agent } : {}),
    });
    const deadline = setTimeout(() => {
      finish({ kind: 'hung', detail: `no end within ${deadlineMs} ms`, text: '' });
      outgoing.destroy();
    }, deadlineMs);
    if (options.abortAfterMs !== undefined) {
      const abortTimer = setTimeout(() => {
        finish({ kind: 'aborted', text: '' });
        outgoing.destroy();
      }, options.abortAfterMs);
      outgoing.once('close', () => clearTimeout(abortTimer));
    }
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'broken', code: error.code ?? 'socket_error', detail: error.message, text: '' }));
    outgoing.on('response', (response: IncomingMessage) => {
      status = response.statusCode ?? null;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // The role chunk carries `"content":""`; the first real piece of text is what we wait for.
        if (abortAfterFirstContent && status === 200 && stream && /"content":"[^"]/.test(chunk.toString('utf8'))) {
          finish({ kind: 'aborted', text: '' });
          outgoing.destroy();
        }
      });
      response.on('error', () => {});
      response.on('aborted', () => finish({ kind: 'broken', code: 'aborted', detail: 'the server dropped the response', text: '' }));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const isStream = (response.headers['content-type'] ?? '').startsWith('text/event-stream');
        finish(isStream ? classifyStream(body) : classifyJson(status ?? 0, body));
      });
    });
    outgoing.end(payload);
  });
}
