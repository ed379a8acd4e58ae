import type { BackendSession } from '@llm-gateway/backends';
import type { PooledSession } from './pooled-session.ts';
import type { ParkChange } from './session-pool-options.ts';

interface Parked {
  entry: PooledSession;
  callIds: readonly string[];
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Sessions whose turn waits for the client's tool results, by the ids of the calls they wait on.
 * A follow-up that answers every call of one claims it; one that does not find its session in
 * `timeoutMs` never will, and the pool takes the session back (interrupt, reset).
 */
export class ParkedTurns {
  readonly #byCall = new Map<string, Parked>();
  readonly #timeoutMs: number;
  readonly #onExpired: (entry: PooledSession) => void;
  readonly #onChange: ((change: ParkChange) => void) | undefined;

  /**
   * @param onChange told of a turn about to park ({@link announce}) and of every turn that stops
   * being parked (claimed, expired, forgotten, withdrawn).
   */
  constructor(timeoutMs: number, onExpired: (entry: PooledSession) => void, onChange?: (change: ParkChange) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onExpired = onExpired;
    this.#onChange = onChange;
  }

  /**
   * Tells of a turn about to park (its session holds tool calls), as its answer finishes and before
   * anyone has it: in split mode the follow-up is routed by it. The park follows on release.
   */
  announce(session: BackendSession): void {
    if (!this.#onChange || this.#timeoutMs <= 0) return;
    const callIds = session.parkedCalls?.() ?? [];
    if (callIds.length > 0) this.#onChange({ kind: 'parked', callIds: [...callIds], ttlMs: this.#timeoutMs });
  }

  /** A turn announced that does not park after all (its job failed or was cancelled). */
  withdraw(session: BackendSession): void {
    const callIds = this.#onChange ? (session.parkedCalls?.() ?? []) : [];
    if (callIds.length > 0) this.#onChange!({ kind: 'released', callIds: [...callIds] });
  }

  /** Sessions parked now. */
  get size(): number {
    return new Set([...this.#byCall.values()].map((parked) => parked.entry)).size;
  }

  park(entry: PooledSession, callIds: readonly string[]): void {
    const parked: Parked = { entry, callIds, timer: setTimeout(() => this.#expire(parked), this.#timeoutMs) };
    parked.timer.unref?.();
    for (const id of callIds) this.#byCall.set(id, parked);
  }

  /**
   * The session waiting on exactly these results (every call it waits on is answered), taken off
   * the list; undefined when none is.
   */
  claim(answeredIds: readonly string[]): PooledSession | undefined {
    const parked = answeredIds.length > 0 ? this.#byCall.get(answeredIds[0]!) : undefined;
    if (!parked) return undefined;
    const answered = new Set(answeredIds);
    if (!parked.callIds.every((id) => answered.has(id))) return undefined;
    this.#drop(parked);
    return parked.entry;
  }

  /** Forgets a session (it exited or the pool stops it); its timer with it. */
  forget(entry: PooledSession): void {
    for (const parked of new Set(this.#byCall.values())) if (parked.entry === entry) this.#drop(parked);
  }

  #expire(parked: Parked): void {
    if (this.#byCall.get(parked.callIds[0]!) !== parked) return;
    this.#drop(parked);
    this.#onExpired(parked.entry);
  }

  #drop(parked: Parked): void {
    clearTimeout(parked.timer);
    for (const id of parked.callIds) if (this.#byCall.get(id) === parked) this.#byCall.delete(id);
    this.#onChange?.({ kind: 'released', callIds: parked.callIds });
  }
}
