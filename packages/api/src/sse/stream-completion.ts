import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { GatewayError, type FinishReason, type JobEvent, type StreamPart, type Usage } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import type { CompletionRecorder } from '../routes/completion-recorder.ts';

/**
 * How one front end (chat completions, Messages, Responses) writes a stream: the SSE text for each moment
 * of it. Made afresh for every stream, so it may keep state (sequence numbers, open items).
 */
export interface StreamFormat {
  /** Written as soon as the stream opens. */
  start(): string;
  /** A text or tool-call delta; undefined when the part writes nothing. */
  delta(part: Extract<StreamPart, { type: 'text-delta' | 'tool-call-delta' }>): string | undefined;
  /** The last write of a stream that finished, with the stop sequence that ended it when the backend named one. */
  finish(finishReason: FinishReason, usage: Usage | undefined, stopSequence?: string): string;
  /** The last write of a stream that failed after it opened. */
  fail(error: GatewayError): string;
}

export interface StreamCompletionOptions {
  format: StreamFormat;
  events: AsyncIterator<JobEvent>;
  /** Aborted when the client goes away mid-stream: cancels the job. */
  cancel: AbortController;
  recorder: CompletionRecorder;
  cleanup: () => void;
  /**
   * When the job must be over (`job.deadline`, ms since the epoch). A client that has still not
   * read the end of the answer {@link OVERDUE_GRACE_MS} later is cut off: a client that stops
   * reading would otherwise hold the job (in-process: its session) for as long as it keeps the
   * connection open. @defaultValue no limit
   */
  deadline?: number;
}

/** How long after the deadline a stream may still be draining to a slow client. */
export const OVERDUE_GRACE_MS = 1_000;

const encoder = new TextEncoder();

/**
 * Answers with an SSE stream written by `format`. The first part (output, not `job-started`) is
 * awaited before any header is sent, so a job that fails or times out before its first output
 * (waiting for a session or for the upstream) still gets a proper HTTP error status, e.g. 504; a
 * failure after that becomes one final error event, then the stream closes.
 */
export async function streamCompletion(c: Context<GatewayEnv>, options: StreamCompletionOptions): Promise<Response> {
  const { format, events, cancel, recorder, cleanup, deadline } = options;
  let sessionId: string | null = null;
  const nextPart = async (): Promise<StreamPart | undefined> => {
    for (;;) {
      const next = await events.next();
      if (next.done) return undefined;
      if (next.value.type === 'job-started') {
        sessionId = next.value.sessionId;
        if (next.value.backend) recorder.backend = next.value.backend;
        continue;
      }
      return next.value;
    }
  };

  let first: StreamPart | undefined;
  try {
    first = await nextPart();
  } catch (error) {
    cleanup();
    void events.return?.();
    throw error;
  }
  if (first?.type === 'error') {
    cleanup();
    // The job's generator is suspended at its error event: end it, or its `finally` never runs and
    // (in-process) its pooled session stays busy for good.
    void events.return?.();
    throw GatewayError.fromJSON(first.error);
  }
  if (deadline !== undefined && Date.now() >= deadline) {
    // The first output came in the same turn as the deadline, before its timer: the job is over
    // either way, and nothing has been sent yet, so the client gets a 504, not a word and a
    // timeout event.
    const error = new GatewayError('timeout', 'The request did not finish within its timeout.');
    cleanup();
    cancel.abort(error);
    void events.return?.();
    throw error;
  }

  let usage: Usage | undefined;
  let pending: StreamPart | undefined = first;
  let finished = false;
  let overdue: ReturnType<typeof setTimeout> | undefined;
  const end = (status: number, errorCode?: string) => {
    if (finished) return;
    finished = true;
    clearTimeout(overdue);
    cleanup();
    // Let the job's generator run its cleanup (release the session) now, not at garbage collection.
    void events.return?.();
    recorder.finish({ status, ...(usage ? { usage } : {}), sessionId, ...(errorCode ? { errorCode } : {}) });
  };

  const armOverdue = () => {
    if (deadline !== undefined) {
      overdue = setTimeout(() => {
        // Still unread past the deadline: the client is not reading (the socket is backed up, so
        // `pull` is not called). Nothing more can be written to it: end the job and drop the socket.
        const error = new GatewayError('timeout', 'The client did not read the answer within the request timeout.');
        cancel.abort(error);
        end(error.status, error.code);
        (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing?.destroy();
      }, Math.max(0, deadline - Date.now()) + OVERDUE_GRACE_MS);
    }
  };

  /** The SSE text of the next output, and how the stream ends when it is the last. */
  const nextWrite = async (): Promise<{ text: string; end?: { status: number; code?: string } }> => {
    try {
      for (;;) {
        const part = pending ?? (await nextPart());
        pending = undefined;
        if (part === undefined) {
          const error = new GatewayError('upstream_error', 'The answer ended before it was finished.');
          return { text: format.fail(error), end: { status: error.status, code: error.code } };
        }
        if (part.type === 'usage') {
          usage = part.usage;
          continue;
        }
        if (part.type === 'finish') return { text: format.finish(part.finishReason, usage, part.stopSequence), end: { status: 200 } };
        if (part.type === 'error') {
          const error = GatewayError.fromJSON(part.error);
          return { text: format.fail(error), end: { status: error.status, code: error.code } };
        }
        const chunk = format.delta(part);
        if (chunk !== undefined) return { text: chunk };
      }
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', 'The stream failed.');
      return { text: format.fail(gatewayError), end: { status: gatewayError.status, code: gatewayError.code } };
    }
  };
  const clientGone = () => {
    // The client went away: stop the job wherever it runs, and record it as a 499.
    cancel.abort(new GatewayError('client_closed', 'The client closed the stream.'));
    if (!finished) end(499, 'client_closed');
  };

  armOverdue();
  c.header('content-type', 'text/event-stream; charset=utf-8');
  c.header('cache-control', 'no-cache');
  c.header('x-accel-buffering', 'no');
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing !== undefined) return writeToNode(c, outgoing);

  // Without a Node response (app.request() in tests, other runtimes): a web stream.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format.start()));
    },
    async pull(controller) {
      const write = await nextWrite();
      if (finished) return;
      controller.enqueue(encoder.encode(write.text));
      if (write.end === undefined) return;
      controller.close();
      end(write.end.status, write.end.code);
    },
    async cancel() {
      clientGone();
      await events.return?.();
    },
  });
  return c.body(body, 200);

  /**
   * Under @hono/node-server: writes straight to the Node response, one `write` per chunk (the
   * role chunk goes out with the first delta), rather than through a web ReadableStream that the
   * adapter reads back and copies (`pnpm bench -- streams` measured the difference). A full socket
   * buffer stops reading the job's events until `drain`: a slow reader holds back the job, not
   * memory, and past the deadline the overdue timer cuts it off as before.
   */
  function writeToNode(context: Context<GatewayEnv>, response: ServerResponse): Response {
    const prepared = context.body(null, 200);
    response.writeHead(200, Object.fromEntries(prepared.headers));
    response.once('close', () => {
      if (!finished) clientGone();
    });
    void (async () => {
      let text = format.start();
      for (;;) {
        const write = await nextWrite();
        if (finished) return;
        text += write.text;
        if (write.end !== undefined) {
          response.end(text);
          end(write.end.status, write.end.code);
          return;
        }
        const flushed = response.write(text);
        text = '';
        if (!flushed && !(await drained(response))) return;
      }
    })();
    // A plain Response made at import time, before the adapter swaps in its own: it is passed over.
    return RESPONSE_ALREADY_SENT;
  }
}

/** Resolves true on `drain`, false when the response closes first (the client left). */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => {
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = () => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
