import type { SupervisorRecord } from '@llm-gateway/shared/redis';

export interface SupervisorWatchOptions {
  /** Reads the live supervisors' registry records (a Redis round trip). */
  read: () => Promise<SupervisorRecord[]>;
  /** @defaultValue 1_000 */
  sampleIntervalMs?: number;
  /**
   * `LLM_NO_SUPERVISOR_GRACE`: how long jobs wait while no supervisor is alive (a restart, a
   * rollout) before they are refused. The watch samples again as it runs out. @defaultValue 5_000
   */
  noSupervisorGraceMs?: number;
  /** Called after every sample that read the records. */
  onSample?: (records: readonly SupervisorRecord[]) => void;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * Knows, without a Redis round trip per request, which supervisors are alive and whether any of
 * them takes jobs. When some are alive and none does (every one has a backend that cannot start,
 * say), a request gets a 503 at once with their reasons instead of waiting in the queue until its
 * timeout. When none is alive, requests wait for one during a short grace (a restart, a rollout),
 * and get a 503 once it has run out.
 */
export class SupervisorWatch {
  readonly #read: () => Promise<SupervisorRecord[]>;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #graceMs: number;
  readonly #onSample: ((records: readonly SupervisorRecord[]) => void) | undefined;
  readonly #now: () => number;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #records: readonly SupervisorRecord[] | undefined;
  #refusal: string | undefined;
  #noneSince: number | undefined;
  #sampling: Promise<void> | undefined;
  #stopped = false;

  constructor(options: SupervisorWatchOptions) {
    this.#read = options.read;
    this.#graceMs = options.noSupervisorGraceMs ?? 5_000;
    this.#onSample = options.onSample;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.sample(), options.sampleIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  /**
   * Why no job can be taken now: the live supervisors' reasons when none of them takes jobs, or
   * that none is alive once the grace has run out; undefined otherwise, and before the first sample.
   */
  get refusal(): string | undefined {
    if (this.#refusal !== undefined) return this.#refusal;
    return this.graceOver ? this.#noSupervisorReason() : undefined;
  }

  /** Whether no supervisor has been alive for the whole grace. */
  get graceOver(): boolean {
    return this.#noneSince !== undefined && this.#now() - this.#noneSince >= this.#graceMs;
  }

  /** Whether the supervisor with this id was alive at the last sample (true before the first one). */
  isAlive(id: string): boolean {
    return this.#records === undefined || this.#records.some((record) => record.id === id);
  }

  /** Reads the records now. A failed read keeps the last answer (Redis trouble is reported elsewhere). */
  sample(): Promise<void> {
    this.#sampling ??= this.#sampleOnce().finally(() => (this.#sampling = undefined));
    return this.#sampling;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#graceTimer);
  }

  async #sampleOnce(): Promise<void> {
    let records: SupervisorRecord[];
    try {
      records = await this.#read();
    } catch {
      return; // kept as it was
    }
    if (this.#stopped) return;
    this.#records = records;
    this.#refusal = refusalOf(records);
    if (records.length > 0) {
      this.#noneSince = undefined;
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    } else if (this.#noneSince === undefined) {
      this.#noneSince = this.#now();
      // Looked at again as the grace runs out, so waiting jobs are refused then, not a sample later.
      this.#graceTimer = setTimeout(() => void this.sample(), this.#graceMs + 1);
      this.#graceTimer.unref();
    }
    this.#onSample?.(records);
  }

  #noSupervisorReason(): string {
    return `No supervisor is alive (none for ${Math.round((this.#now() - this.#noneSince!) / 100) / 10} s): start one, or check that it reaches this Redis.`;
  }
}

function refusalOf(records: readonly SupervisorRecord[]): string | undefined {
  if (records.length === 0 || records.some((record) => record.accepting)) return undefined;
  const reasons = records.map((record) => `${record.id}: ${record.reason ?? 'not taking jobs'}`);
  return `No supervisor can take jobs now (${reasons.join('; ')}).`;
}
