import type { SupervisorRecord } from '@llm-gateway/shared/redis';

export interface SupervisorWatchOptions {
  /** Reads the live supervisors' registry records (a Redis round trip). */
  read: () => Promise<SupervisorRecord[]>;
  /** @defaultValue 1_000 */
  sampleIntervalMs?: number;
}

/**
 * Knows, without a Redis round trip per request, whether any live supervisor takes jobs. When
 * some are alive and none does (every one has a backend that cannot start, say), a request gets a
 * 503 at once with their reasons instead of waiting in the queue until its timeout. With no
 * supervisor alive at all, requests still wait: that is what a restart or a rollout looks like.
 */
export class SupervisorWatch {
  readonly #read: () => Promise<SupervisorRecord[]>;
  readonly #timer: ReturnType<typeof setInterval>;
  #refusal: string | undefined;
  #sampling = false;

  constructor(options: SupervisorWatchOptions) {
    this.#read = options.read;
    this.#timer = setInterval(() => void this.sample(), options.sampleIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /**
   * Why no job can be taken now: the live supervisors' reasons when none of them takes jobs;
   * undefined when one does, when none is alive, or before the first sample.
   */
  get refusal(): string | undefined {
    return this.#refusal;
  }

  /** Reads the records now. A failed read keeps the last answer (Redis trouble is reported elsewhere). */
  async sample(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      this.#refusal = refusalOf(await this.#read());
    } catch {
      // Kept as it was.
    } finally {
      this.#sampling = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

function refusalOf(records: readonly SupervisorRecord[]): string | undefined {
  if (records.length === 0 || records.some((record) => record.accepting)) return undefined;
  const reasons = records.map((record) => `${record.id}: ${record.reason ?? 'not taking jobs'}`);
  return `No supervisor can take jobs now (${reasons.join('; ')}).`;
}
