import type { Outcome, OutcomeKind } from './completion-client.ts';
import { sleep } from '@llm-gateway/testkit';

export interface LoadOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** No request starts after this many. */
  maxRequests: number;
  /** No request starts after this long. */
  durationMs: number;
  /** Sends request number `index` and says how it ended (must not throw). */
  send: (index: number) => Promise<Outcome>;
  /** Stops starting requests early. */
  signal?: AbortSignal;
  /** Each worker waits this long between its requests. @defaultValue 0 */
  pauseMs?: number;
}

/**
 * Closed-loop load: `concurrency` workers each send a request, wait for its end, and send the next,
 * until `maxRequests` were sent or `durationMs` has passed (bounded in count and time). Resolves with
 * every outcome once the last request has ended (each request bounds itself with its deadline).
 */
export async function runLoad(options: LoadOptions): Promise<Outcome[]> {
  const { concurrency, maxRequests, durationMs, send, signal, pauseMs = 0 } = options;
  const outcomes: Outcome[] = [];
  const stopAt = Date.now() + durationMs;
  let next = 0;
  const worker = async () => {
    while (next < maxRequests && Date.now() < stopAt && !signal?.aborted) {
      const index = next++;
      outcomes.push(await send(index));
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

/** Counts of outcomes by kind and by error code, and latency percentiles. */
export interface Tally {
  total: number;
  kinds: Record<OutcomeKind, number>;
  /** `status code` → count, for everything that was not `ok`. */
  errors: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

export function tally(outcomes: readonly Outcome[]): Tally {
  const kinds: Record<OutcomeKind, number> = { ok: 0, 'clean-error': 0, aborted: 0, hung: 0, broken: 0 };
  const errors: Record<string, number> = {};
  for (const outcome of outcomes) {
    kinds[outcome.kind] += 1;
    if (outcome.kind === 'ok' || outcome.kind === 'aborted') continue;
    const key = `${outcome.kind} ${outcome.status ?? '-'} ${outcome.code ?? outcome.detail ?? ''}`.trim();
    errors[key] = (errors[key] ?? 0) + 1;
  }
  const latencies = outcomes.map((outcome) => outcome.latencyMs).sort((a, b) => a - b);
  return {
    total: outcomes.length,
    kinds,
    errors,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

/** The outcomes that are neither answers nor clean errors nor deliberate aborts, for failure messages. */
export function describeBad(outcomes: readonly Outcome[], limit = 5): string {
  return outcomes
    .filter((outcome) => outcome.kind === 'hung' || outcome.kind === 'broken')
    .slice(0, limit)
    .map((outcome) => `${outcome.kind} status=${outcome.status} code=${outcome.code} stream=${outcome.stream} after ${Math.round(outcome.latencyMs)} ms: ${outcome.detail}`)
    .join('\n');
}
