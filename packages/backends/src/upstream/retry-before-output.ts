import type { GatewayError, Logger, StreamPart } from '@llm-gateway/shared';
import { retryDelayMs, waitUnlessAborted } from './retry-delay.ts';

/** How {@link retryBeforeOutput} reads one upstream's failures and how often it tries again. */
export interface RetryBeforeOutputOptions {
  /** Aborted when the caller gives up: no retry, no error part (the caller reports that itself). */
  signal: AbortSignal;
  log?: Logger | undefined;
  /** Names the upstream in log lines, e.g. `anthropic request`. */
  label: string;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Delay before the first retry; doubles after each. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever the upstream asks. */
  maxDelayMs: number;
  /** Whether the same request may succeed a moment later. */
  retryable(error: unknown): boolean;
  /** The upstream's `retry-after`, in seconds, if it sent one. */
  retryAfter(error: unknown): number | undefined;
  /** The error the client gets when no retry is left. */
  toGatewayError(error: unknown): GatewayError;
  /** A short description for logs; never headers (they may echo credentials). */
  describe(error: unknown): string;
}

/**
 * Runs `attempt` and passes its parts on; when it throws a retryable failure before it yielded
 * any part, waits (backoff, or the upstream's `retry-after`) and runs it again. Once output has
 * reached the client a retry would repeat it, so a failure then, or with no retry left, ends the
 * stream with one `error` part. The one retry loop of every HTTP upstream backend.
 */
export async function* retryBeforeOutput(attempt: () => AsyncIterable<StreamPart>, options: RetryBeforeOutputOptions): AsyncGenerator<StreamPart> {
  const { signal, log, label, maxRetries } = options;
  for (let retries = 0; ; retries++) {
    let produced = false;
    try {
      for await (const part of attempt()) {
        produced = true;
        yield part;
      }
      return;
    } catch (error) {
      if (signal.aborted) return;
      if (!produced && retries < maxRetries && options.retryable(error)) {
        const delay = retryDelayMs(retries, options.retryAfter(error), options);
        log?.warn({ attempt: retries + 1, delayMs: delay, error: options.describe(error) }, `${label} failed, retrying`);
        if (await waitUnlessAborted(delay, signal)) continue;
        return;
      }
      const gatewayError = options.toGatewayError(error);
      log?.warn({ code: gatewayError.code, status: gatewayError.status, error: options.describe(error) }, `${label} failed`);
      yield { type: 'error', error: gatewayError.toJSON() };
      return;
    }
  }
}
