import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { GatewayError, type JobEvent, type StreamPart, type Usage } from '@llm-gateway/shared';
import type { GatewayEnv } from '../app-context.ts';
import type { CompletionRecorder } from '../routes/completion-recorder.ts';
import type { StreamFormat } from './stream-format.ts';

export interface StreamCompletionOptions {
  /** The dialect's events. */
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
 * Answers with an SSE stream in the format's dialect. The first part is awaited before any header is sent, so a
 * job that fails at once still gets a proper HTTP error status; a failure after that becomes one
 * final error event, then the stream closes.
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

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format.start()));
    },
    async pull(controller) {
      try {
        for (;;) {
          const part = pending ?? (await nextPart());
          pending = undefined;
          if (part === undefined) {
            const error = new GatewayError('upstream_error', 'The answer ended before it was finished.');
            controller.enqueue(encoder.encode(format.error(error)));
            controller.close();
            end(error.status, error.code);
            return;
          }
          if (part.type === 'usage') {
            usage = part.usage;
            continue;
          }
          if (part.type === 'finish') {
            controller.enqueue(encoder.encode(format.finish(part.finishReason, usage, part.stopSequence)));
            controller.close();
            end(200);
            return;
          }
          if (part.type === 'error') {
            const error = GatewayError.fromJSON(part.error);
            controller.enqueue(encoder.encode(format.error(error)));
            controller.close();
            end(error.status, error.code);
            return;
          }
          const chunk = format.delta(part);
          if (chunk !== undefined) {
            controller.enqueue(encoder.encode(chunk));
            return;
          }
        }
      } catch (error) {
        const gatewayError = error instanceof GatewayError ? error : new GatewayError('internal_error', 'The stream failed.');
        controller.enqueue(encoder.encode(format.error(gatewayError)));
        controller.close();
        end(gatewayError.status, gatewayError.code);
      }
    },
    async cancel() {
      // The client went away: stop the job wherever it runs, and record it as a 499.
      cancel.abort(new GatewayError('client_closed', 'The client closed the stream.'));
      if (!finished) end(499, 'client_closed');
      await events.return?.();
    },
  });

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

  c.header('content-type', 'text/event-stream; charset=utf-8');
  c.header('cache-control', 'no-cache');
  c.header('x-accel-buffering', 'no');
  return c.body(body, 200);
}
