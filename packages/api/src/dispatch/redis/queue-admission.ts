import type { GatewayMetrics } from '@llm-gateway/shared';

type DepthGauge = GatewayMetrics['queueDepth'];

export interface QueueAdmissionOptions {
  /** Counts the jobs waiting for a supervisor (a Redis round trip). */
  count: () => Promise<number>;
  /** `LLM_MAX_QUEUE_DEPTH`. */
  maxDepth: number;
  /** How often the depth is sampled. @defaultValue 100 */
  sampleIntervalMs?: number;
  /** Set to the depth on every sample (`llm_queue_depth`). */
  gauge?: DepthGauge;
}

/**
 * Bounds the queue without a Redis round trip per request: the depth is sampled in the background
 * and the jobs admitted since the sample are counted locally. Several API replicas may together
 * overshoot the bound by what they admit within one sample interval; that is the price of not
 * adding latency to every request.
 */
export class QueueAdmission {
  readonly #count: () => Promise<number>;
  readonly #maxDepth: number;
  readonly #gauge: DepthGauge | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #depth = 0;
  #admittedSinceSample = 0;
  #sampling = false;

  constructor(options: QueueAdmissionOptions) {
    this.#count = options.count;
    this.#maxDepth = options.maxDepth;
    this.#gauge = options.gauge;
    this.#timer = setInterval(() => void this.sample().catch(() => {}), options.sampleIntervalMs ?? 100);
    this.#timer.unref();
  }

  /** Admits one job if the queue has room, counting it until the next sample sees it. */
  tryAdmit(): boolean {
    if (this.#depth + this.#admittedSinceSample >= this.#maxDepth) return false;
    this.#admittedSinceSample += 1;
    return true;
  }

  /** Seconds a refused client should wait: long enough for the queue to drain a little. */
  retryAfterSeconds(): number {
    return 1;
  }

  /** Counts the queue now and returns the depth. Rejects when Redis cannot be asked. */
  async sample(): Promise<number> {
    if (this.#sampling) return this.#depth;
    this.#sampling = true;
    const admittedBefore = this.#admittedSinceSample;
    try {
      this.#depth = await this.#count();
      // Jobs admitted while the count ran may or may not be in it: keep counting them (safe side).
      this.#admittedSinceSample -= admittedBefore;
      this.#gauge?.set(this.#depth);
      return this.#depth;
    } finally {
      this.#sampling = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
