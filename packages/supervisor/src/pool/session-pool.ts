import { GatewayError, type Logger, type SessionInfo } from '@llm-gateway/shared';
import type { BackendSession, SessionBackend } from '@llm-gateway/backends';
import { transition, type SessionEvent } from '../session/session-state.ts';
import { KeepAlive } from './keep-alive.ts';
import { createPooledSession, listSessionInfo, type PooledSession } from './pooled-session.ts';
import { createPoolLease, type JobOutcome, type SessionLease } from './pool-lease.ts';
import { RestartPolicy } from './restart-policy.ts';
import { findReady, hasLive, hasStarted, isLive, overflowOutlook, pruneFailed } from './session-census.ts';
import { CANCELLED_RESET_TIMEOUT_MS, poolSettings, type AcquireOptions, type PoolSettings, type SessionPoolOptions } from './session-pool-options.ts';
import { startWithin, withTimeout } from './timeouts.ts';
import { WaiterQueue } from './waiter-queue.ts';
import { WarmRefill } from './warm-refill.ts';
import { ParkedTurns } from './parked-turns.ts';

/**
 * Keeps `size` warm sessions of one backend: pre-warms them, hands each to one job at a time,
 * resets them between jobs, proves idle ones alive, replaces the ones that die (with backoff when
 * they keep failing), and starts cold overflow sessions when every warm one is busy.
 */
export class SessionPool {
  readonly #backend: SessionBackend;
  readonly #settings: PoolSettings;
  readonly #restarts: RestartPolicy;
  readonly #log: Logger | undefined;
  readonly #onChange: (() => void) | undefined;
  readonly #sessions = new Map<string, PooledSession>();
  readonly #waiters = new WaiterQueue();
  readonly #keepAlive: KeepAlive;
  readonly #refill: WarmRefill;
  readonly #parked: ParkedTurns;
  #closed = false;

  constructor(options: SessionPoolOptions) {
    this.#backend = options.backend;
    const settings = (this.#settings = poolSettings(options));
    this.#restarts = new RestartPolicy(settings.restartBackoff);
    this.#log = options.log;
    this.#onChange = options.onChange;
    this.#parked = new ParkedTurns(settings.toolResultTimeoutMs, (entry) => this.#onParkExpired(entry), options.onParkChange);
    this.#refill = new WarmRefill({ size: settings.size, sessions: this.#sessions, restarts: this.#restarts, spawnWarm: () => this.#spawn(false) });
    this.#keepAlive = new KeepAlive({
      sessions: this.#sessions,
      intervalMs: settings.keepAliveIntervalMs,
      timeoutMs: settings.checkTimeoutMs,
      onAlive: (entry) => {
        this.#restarts.recordSuccess();
        if (entry.status === 'ready') this.#offer(entry);
      },
      onDead: (entry, error) => {
        this.#log?.warn({ sessionId: entry.id, error: String(error) }, 'keep-alive failed: replacing the session');
        this.#apply(entry, 'ping-failed');
        this.#recycle(entry, true);
      },
    });
  }

  /** Pre-warms the pool and starts the keep-alive timer. Does not wait for sessions to be ready. */
  start(): void {
    this.#refill.topUp();
    this.#keepAlive.start();
  }

  /**
   * A ready session for one job: a warm one if any is free, else a cold overflow session, else the
   * next one to come free. Rejects with `backend_unavailable` when no session can start at all,
   * and with `signal.reason` when the caller stops waiting. With `failFastWhenExhausted`, rejects
   * with `overloaded` rather than wait for a busy session.
   */
  acquire(signal: AbortSignal, options?: AcquireOptions): Promise<SessionLease> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(new GatewayError('backend_unavailable', 'The gateway is shutting down.'));
    const ready = findReady(this.#sessions);
    if (ready) return Promise.resolve(this.#lease(ready));
    const unavailable = this.#unavailableError();
    if (unavailable) return Promise.reject(unavailable);
    // `+ 1`: this job would be one more waiter.
    const outlook = options?.failFastWhenExhausted ? overflowOutlook(this.#sessions, this.#waiters.length + 1, this.#settings.maxOverflow, this.#restarts.healthy) : undefined;
    if (outlook === 'exhausted') {
      return Promise.reject(new GatewayError('overloaded', `Every ${this.#backend.name} session is busy.`, { retryAfter: 1 }));
    }
    return new Promise<SessionLease>((resolve, reject) => {
      this.#waiters.add(signal, resolve, reject);
      this.#startOverflowIfNeeded();
    });
  }

  /**
   * The session whose turn waits on exactly these tool results (a follow-up's `tool` messages),
   * leased to the follow-up; undefined when no session here holds that turn (then the follow-up
   * runs on any session, from its history).
   */
  claimParked(answeredCallIds: readonly string[]): SessionLease | undefined {
    const entry = this.#parked.claim(answeredCallIds);
    if (!entry || entry.status !== 'parked') return undefined;
    this.#apply(entry, 'park-claimed');
    return createPoolLease(entry, this.#onRelease);
  }

  /**
   * Called as a job's answer finishes, before anyone sees it: a turn about to park is announced
   * (`onParkChange`), so in split mode its follow-up is routed here even when sent at once.
   */
  announceParking(session: BackendSession): void {
    this.#parked.announce(session);
  }

  /** Every session, as `GET /sessions` lists them. */
  sessions(): SessionInfo[] {
    return listSessionInfo(this.#sessions, this.#backend.name, this.#settings.supervisorId);
  }

  /** Why no job can run now, or undefined when one can (or soon will). */
  get unavailableReason(): string | undefined {
    return this.#unavailableError()?.message;
  }

  /**
   * Whether a job taken now can expect a session: nothing failed since the backend last worked
   * (warming up included), or a session has started and is up. A supervisor whose pools all say no
   * stops taking jobs from a shared queue (`JobIntake`) rather than fail them at once.
   */
  get canServe(): boolean {
    return !this.#closed && (this.#restarts.healthy || hasStarted(this.#sessions));
  }

  /** Jobs waiting for a session. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Stops every session and refuses new work. Waiting jobs are rejected. */
  async stop(): Promise<void> {
    this.#closed = true;
    this.#refill.stop();
    this.#keepAlive.stop();
    this.#waiters.rejectAll(new GatewayError('backend_unavailable', 'The gateway is shutting down.'));
    await Promise.all([...this.#sessions.values()].map((entry) => this.#stopSession(entry)));
  }

  #unavailableError(): GatewayError | undefined {
    return this.#restarts.unavailableError(this.#backend.name, hasLive(this.#sessions));
  }

  /** Every status change of a session goes through here, checked by the state machine. */
  #apply(entry: PooledSession, event: SessionEvent): void {
    const next = transition(entry.status, event);
    if (next === null) {
      // A bug (see `transition`): a session that should not get this event is not trusted with
      // another job. One on its way out already needs nothing more.
      this.#log?.error({ sessionId: entry.id, status: entry.status, event }, 'session event not allowed in this status');
      if (isLive(entry)) this.#recycle(entry, true);
      return;
    }
    entry.status = next;
    if (next === 'stopped') this.#sessions.delete(entry.id);
    this.#onChange?.();
  }

  #spawn(overflow: boolean): void {
    const entry = createPooledSession(this.#backend, overflow, this.#log, (reason) => this.#onExit(entry, reason));
    this.#sessions.set(entry.id, entry);
    this.#onChange?.();
    startWithin((signal) => entry.session.start(signal), this.#settings.startTimeoutMs).then(
      () => this.#onStarted(entry),
      (error: unknown) => this.#onStartFailed(entry, error),
    );
  }

  #onStarted(entry: PooledSession): void {
    if (entry.status !== 'starting') return;
    this.#apply(entry, 'session-ready');
    this.#restarts.recordStart();
    pruneFailed(this.#sessions, 0);
    this.#log?.info({ sessionId: entry.id, pid: entry.session.pid, overflow: entry.overflow }, 'session ready');
    this.#offer(entry);
  }

  #onStartFailed(entry: PooledSession, error: unknown): void {
    if (entry.status !== 'starting') return;
    const message = error instanceof Error ? error.message : String(error);
    this.#log?.error({ sessionId: entry.id, error: message }, 'session failed to start');
    entry.disposeExit();
    void entry.session.stop().catch(() => {});
    this.#lose(entry, message, 'start-failed');
  }

  #onExit(entry: PooledSession, reason: string): void {
    entry.disposeExit();
    this.#parked.forget(entry);
    if (!isLive(entry)) return this.#apply(entry, 'session-exited'); // on its way out: nothing to replace
    this.#log?.warn({ sessionId: entry.id, status: entry.status, reason }, 'session exited unexpectedly');
    this.#lose(entry, `exited: ${reason}`, 'session-exited');
  }

  /** A session failed (`error`): it counts against restarts, waiters fail if nothing can serve them, and it is replaced. */
  #lose(entry: PooledSession, error: string, event: SessionEvent): void {
    entry.error = error;
    this.#restarts.recordFailure(error);
    this.#apply(entry, event);
    pruneFailed(this.#sessions, this.#settings.size);
    const unavailable = this.#unavailableError();
    if (unavailable) this.#waiters.rejectAll(unavailable);
    this.#refill.topUp();
  }

  /** Starts a cold session when the waiting jobs outnumber the sessions about to come free. */
  #startOverflowIfNeeded(): void {
    if (overflowOutlook(this.#sessions, this.#waiters.length, this.#settings.maxOverflow, this.#restarts.healthy) === 'overflow-allowed') {
      this.#log?.info({ waiting: this.#waiters.length }, 'every session is busy: starting an overflow session');
      this.#spawn(true);
    }
  }

  /** A session became ready: give it to the first waiter, or retire it if it is surplus overflow. */
  #offer(entry: PooledSession): void {
    const waiter = this.#waiters.next();
    if (waiter) {
      waiter.resolve(this.#lease(entry));
      return;
    }
    if (entry.overflow) this.#recycle(entry, false);
  }

  #lease(entry: PooledSession): SessionLease {
    this.#apply(entry, 'job-assigned');
    return createPoolLease(entry, this.#onRelease);
  }

  // One function for every lease this pool hands out.
  readonly #onRelease = (entry: PooledSession, outcome: JobOutcome) => this.#release(entry, outcome);

  // A cancelled job's session is reset, not recycled (a client leaving should not cost a cold
  // start): the reset waits for the interrupted turn, proves the conversation empty, or fails.
  #release(entry: PooledSession, outcome: JobOutcome): void {
    entry.requests += 1;
    entry.lastUsedAt = new Date();
    if (entry.status !== 'busy') return this.#parked.withdraw(entry.session); // it died during the job; already handled
    if (outcome === 'failed') {
      this.#parked.withdraw(entry.session);
      this.#apply(entry, 'job-failed');
      this.#recycle(entry, true);
      return;
    }
    if (outcome === 'succeeded') this.#restarts.recordSuccess();
    const parkedCalls = outcome === 'succeeded' && this.#settings.toolResultTimeoutMs > 0 ? (entry.session.parkedCalls?.() ?? []) : [];
    if (parkedCalls.length > 0) {
      // Leased to the conversation: only the follow-up with these results gets it (or the timeout).
      this.#apply(entry, 'job-parked');
      this.#parked.park(entry, parkedCalls);
      this.#startOverflowIfNeeded();
      return;
    }
    this.#parked.withdraw(entry.session);
    if (entry.requests >= this.#settings.sessionMaxRequests) {
      this.#recycle(entry, true);
      return;
    }
    this.#apply(entry, outcome === 'succeeded' ? 'job-succeeded' : 'job-cancelled');
    this.#reset(entry, outcome === 'succeeded' ? this.#settings.checkTimeoutMs : Math.min(this.#settings.checkTimeoutMs, CANCELLED_RESET_TIMEOUT_MS));
  }

  /** The client's tool results never came: the parked turn is interrupted and the session reset. */
  #onParkExpired(entry: PooledSession): void {
    if (entry.status !== 'parked') return;
    this.#log?.info({ sessionId: entry.id }, 'no tool results within the timeout: resetting the parked session');
    this.#apply(entry, 'park-expired');
    this.#reset(entry, Math.min(this.#settings.checkTimeoutMs, CANCELLED_RESET_TIMEOUT_MS));
  }

  /** Resets a session (status `resetting`) and offers it again, or recycles it when the reset fails. */
  #reset(entry: PooledSession, resetTimeoutMs: number): void {
    withTimeout(entry.session.reset(), resetTimeoutMs, 'reset timed out').then(
      () => {
        if (entry.status !== 'resetting') return;
        this.#apply(entry, 'reset-succeeded');
        this.#offer(entry);
      },
      (error: unknown) => {
        if (entry.status !== 'resetting') return;
        this.#log?.warn({ sessionId: entry.id, error: String(error) }, 'session reset failed: recycling');
        this.#apply(entry, 'reset-failed');
        this.#recycle(entry, true);
      },
    );
  }

  /** Stops a session for good and, if `replace`, starts another in its place. */
  #recycle(entry: PooledSession, replace: boolean): void {
    void this.#stopSession(entry);
    if (replace) this.#refill.topUp();
    this.#startOverflowIfNeeded();
  }

  async #stopSession(entry: PooledSession): Promise<void> {
    if (entry.status === 'stopped') return;
    this.#parked.forget(entry);
    if (entry.status !== 'stopping') this.#apply(entry, 'stop-requested');
    entry.disposeExit();
    try {
      await withTimeout(entry.session.stop(), this.#settings.checkTimeoutMs, 'stop timed out');
    } catch (error) {
      this.#log?.error({ sessionId: entry.id, error: String(error) }, 'session did not stop cleanly');
    }
    if (entry.status === 'stopping') this.#apply(entry, 'session-stopped');
    else this.#sessions.delete(entry.id);
    this.#onChange?.();
  }
}
