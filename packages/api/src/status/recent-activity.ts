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
}

export interface ActivitySummary {
  /** Completions per second over the window. */
  requestsPerSecond: number;
  /** Latency percentiles over the window, in milliseconds; null without traffic. */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  windowSeconds: number;
  /** Newest first. */
  recentErrors: CompletionRecord[];
}

export interface RecentActivityOptions {
  /** Completions kept for rates and percentiles. @defaultValue 2048 */
  capacity?: number;
  /** Errors kept for the list. @defaultValue 20 */
  errorCapacity?: number;
  /** @defaultValue 60 */
  windowSeconds?: number;
}

/**
 * What this replica served lately, in fixed-size rings: recording is O(1) on the hot path, and the
 * page's summary is computed only when someone looks.
 */
export class RecentActivity {
  readonly #records: Array<CompletionRecord | undefined>;
  readonly #errors: CompletionRecord[] = [];
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
    // Client disconnects (499) are not the gateway's errors.
    if (record.status >= 400 && record.status !== 499) {
      this.#errors.unshift(record);
      if (this.#errors.length > this.#errorCapacity) this.#errors.pop();
    }
  }

  summary(now = Date.now()): ActivitySummary {
    const since = now - this.#windowMs;
    const latencies: number[] = [];
    let oldest = now;
    for (const record of this.#records) {
      if (record === undefined || record.at < since) continue;
      latencies.push(record.latencyMs);
      oldest = Math.min(oldest, record.at);
    }
    latencies.sort((a, b) => a - b);
    const at = (fraction: number) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))]!);
    // When the ring is full before the window is, the rate covers only the span the ring holds.
    const full = this.#records[this.#next] !== undefined;
    const spanMs = full ? Math.max(1, now - oldest) : this.#windowMs;
    return {
      requestsPerSecond: (latencies.length * 1000) / spanMs,
      latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99) },
      windowSeconds: this.#windowMs / 1000,
      recentErrors: [...this.#errors],
    };
  }
}
