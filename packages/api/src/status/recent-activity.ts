import { ERROR_CODES, isErrorCode } from '@llm-gateway/shared';

/** One finished completion, as the status page shows it. */
export interface CompletionRecord {
  /** Epoch milliseconds when it ended. */
  at: number;
  latencyMs: number;
  status: number;
  model: string;
  /** The API it was asked through (`chat`, `messages`, `responses`). @defaultValue `chat` */
  dialect?: string;
  requestId: string;
  errorCode?: string;
  /** The error's message as the client got it (already capped where it quotes the client). */
  errorMessage?: string;
}

/** Latency percentiles in milliseconds over `samples` completions; null without any. */
export interface LatencySummary {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ActivitySummary {
  /** Completions per second over the window. */
  requestsPerSecond: number;
  /** Latency over every completion of the window, answered or failed. */
  latencyMs: LatencySummary;
  /** Latency over the answered ones (2xx) only: a lone timeout does not make it "60 s". */
  answeredLatencyMs: LatencySummary;
  /** Completions of the window by outcome: answered, the client's errors, the gateway's, clients gone (499). */
  outcomes: { answered: number; clientErrors: number; serverErrors: number; cancelled: number };
  windowSeconds: number;
  /** The gateway's own failures (5xx, and a full queue's 429), newest first. */
  serverErrors: CompletionRecord[];
  /** Requests refused as the client's fault (the other 4xx but 499), newest first. */
  clientErrors: CompletionRecord[];
}

export interface RecentActivityOptions {
  /** Completions kept for rates and percentiles. @defaultValue 2048 */
  capacity?: number;
  /** Errors kept for each list (server, client). @defaultValue 20 */
  errorCapacity?: number;
  /** @defaultValue 60 */
  windowSeconds?: number;
}

/** The longest error message kept: enough to read, small enough for a page of twenty. */
const MAX_MESSAGE_CHARS = 300;

/**
 * What this replica served lately, in fixed-size rings: recording is O(1) on the hot path, and the
 * page's summary is computed only when someone looks.
 */
export class RecentActivity {
  readonly #records: Array<CompletionRecord | undefined>;
  readonly #serverErrors: CompletionRecord[] = [];
  readonly #clientErrors: CompletionRecord[] = [];
  readonly #errorCapacity: number;
  readonly #windowMs: number;
  #next = 0;

  constructor(options: RecentActivityOptions = {}) {
    this.#records = new Array<CompletionRecord | undefined>(options.capacity ?? 2048);
    this.#errorCapacity = options.errorCapacity ?? 20;
    this.#windowMs = (options.windowSeconds ?? 60) * 1000;
  }

  record(record: CompletionRecord): void {
    this.#records[this.#next] = record;
    this.#next = (this.#next + 1) % this.#records.length;
    // Client disconnects (499) are no one's error.
    if (record.status < 400 || record.status === 499) return;
    const list = isServerError(record) ? this.#serverErrors : this.#clientErrors;
    const message = record.errorMessage;
    list.unshift(message !== undefined && message.length > MAX_MESSAGE_CHARS ? { ...record, errorMessage: `${message.slice(0, MAX_MESSAGE_CHARS)}…` } : record);
    if (list.length > this.#errorCapacity) list.pop();
  }

  summary(now = Date.now()): ActivitySummary {
    const since = now - this.#windowMs;
    const all: number[] = [];
    const answered: number[] = [];
    const outcomes = { answered: 0, clientErrors: 0, serverErrors: 0, cancelled: 0 };
    let oldest = now;
    for (const record of this.#records) {
      if (record === undefined || record.at < since) continue;
      all.push(record.latencyMs);
      if (record.status < 400) {
        answered.push(record.latencyMs);
        outcomes.answered += 1;
      } else if (record.status === 499) outcomes.cancelled += 1;
      else if (isServerError(record)) outcomes.serverErrors += 1;
      else outcomes.clientErrors += 1;
      oldest = Math.min(oldest, record.at);
    }
    // When the ring is full before the window is, the rate covers only the span the ring holds.
    const full = this.#records[this.#next] !== undefined;
    const spanMs = full ? Math.max(1, now - oldest) : this.#windowMs;
    return {
      requestsPerSecond: (all.length * 1000) / spanMs,
      latencyMs: percentiles(all),
      answeredLatencyMs: percentiles(answered),
      outcomes,
      windowSeconds: this.#windowMs / 1000,
      serverErrors: [...this.#serverErrors],
      clientErrors: [...this.#clientErrors],
    };
  }
}

/** A 5xx, or a 4xx the gateway's capacity caused (OpenAI type `server_error`: a full queue). */
function isServerError(record: CompletionRecord): boolean {
  if (record.status >= 500) return true;
  return record.errorCode !== undefined && isErrorCode(record.errorCode) && ERROR_CODES[record.errorCode].type === 'server_error';
}

function percentiles(latencies: number[]): LatencySummary {
  latencies.sort((a, b) => a - b);
  const at = (fraction: number) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))]!);
  return { samples: latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
