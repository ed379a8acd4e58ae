import { GatewayError, randomId, type Logger, type SessionInfo } from '@llm-gateway/shared';
import type { SessionBackend } from '@llm-gateway/backends';
import { isAssignable, transition, type SessionEvent, type SessionFinalStatus } from '../session/session-state.ts';
import { toSessionInfo, type PooledSession } from './pooled-session.ts';
import { PoolLease, type SessionLease } from './pool-lease.ts';
import { RestartPolicy } from './restart-policy.ts';
import { timeoutSignal, withTimeout } from './timeouts.ts';

export interface SessionPoolOptions {
  backend: SessionBackend;
  /** Warm sessions kept ready (`LLM_POOL_SIZE`). @defaultValue 2 */
  size?: number;
  /** Cold sessions started when every warm one is busy (`LLM_MAX_OVERFLOW`). @defaultValue 2 */
  maxOverflow?: number;
  /** How often idle sessions are proven alive; 0 turns it off. @defaultValue 300_000 */
  keepAliveIntervalMs?: number;
  /** Requests a session serves before it is replaced. @defaultValue 100 */
  sessionMaxRequests?: number;
  /** @defaultValue `local` */
  supervisorId?: string;
  /** A session not ready within this is given up. @defaultValue 30_000 */
  startTimeoutMs?: number;
  /** Bounds a reset and a keep-alive ping. @defaultValue 10_000 */
  checkTimeoutMs?: number;
  /** First delay before restarting after a failure; doubles up to `maxMs`. @defaultValue 1_000 / 60_000 */
  restartBackoff?: { initialMs: number; maxMs: number };
  log?: Logger;
  /** Called after any session changes status (metrics, cluster registry). */
  onChange?: () => void;
}

/** How {@link SessionPool.acquire} waits. */
export interface AcquireOptions {
  /**
   * Reject at once with `overloaded` instead of waiting when every session is busy, none is about
   * to come free and no overflow session may start: another backend can take the job.
   * @defaultValue false
   */
  failFastWhenExhausted?: boolean;
}

export type { SessionLease };

interface Waiter {
  resolve: (lease: SessionLease) => void;
  reject: (error: unknown) => void;
}

/**
 * Keeps `size` warm sessions of one backend: pre-warms them, hands each to one job at a time,
 * resets them between jobs, proves idle ones alive, replaces the ones that die (with backoff when
 * they keep failing), and starts cold overflow sessions when every warm one is busy.
 */
export class SessionPool {
  readonly #backend: SessionBackend;
  readonly #size: number;
  readonly #maxOverflow: number;
  readonly #keepAliveIntervalMs: number;
  readonly #sessionMaxRequests: number;
  readonly #supervisorId: string;
  readonly #startTimeoutMs: number;
  readonly #checkTimeoutMs: number;
  readonly #restarts: RestartPolicy;
  readonly #log: Logger | undefined;
  readonly #onChange: (() => void) | undefined;
  readonly #sessions = new Map<string, PooledSession>();
  readonly #waiters: Waiter[] = [];
  #respawnTimer: ReturnType<typeof setTimeout> | undefined;
  #keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: SessionPoolOptions) {
    this.#backend = options.backend;
    this.#size = options.size ?? 2;
    this.#maxOverflow = options.maxOverflow ?? 2;
    this.#keepAliveIntervalMs = options.keepAliveIntervalMs ?? 300_000;
    this.#sessionMaxRequests = options.sessionMaxRequests ?? 100;
    this.#supervisorId = options.supervisorId ?? 'local';
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.#checkTimeoutMs = options.checkTimeoutMs ?? 10_000;
    this.#restarts = new RestartPolicy(options.restartBackoff ?? { initialMs: 1_000, maxMs: 60_000 });
    this.#log = options.log;
    this.#onChange = options.onChange;
  }

  /** Pre-warms the pool and starts the keep-alive timer. Does not wait for sessions to be ready. */
  start(): void {
    this.#ensureSize();
    if (this.#keepAliveIntervalMs > 0) {
      this.#keepAliveTimer = setInterval(() => this.#keepAlive(), this.#keepAliveIntervalMs);
      this.#keepAliveTimer.unref?.();
    }
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
    const ready = this.#findReady();
    if (ready) return Promise.resolve(this.#lease(ready));
    const unavailable = this.#unavailableError();
    if (unavailable) return Promise.reject(unavailable);
    if (options?.failFastWhenExhausted && this.#exhausted()) {
      return Promise.reject(new GatewayError('overloaded', `Every ${this.#backend.name} session is busy.`, { retryAfter: 1 }));
    }
    return new Promise<SessionLease>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        resolve: (lease) => {
          signal.removeEventListener('abort', onAbort);
          resolve(lease);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#startOverflowIfNeeded();
    });
  }

  /** Every session, as `GET /sessions` lists them. */
  sessions(): SessionInfo[] {
    return [...this.#sessions.values()]
      .filter((entry) => entry.status !== 'stopped')
      .map((entry) => toSessionInfo(entry, this.#backend.name, this.#supervisorId));
  }

  /** Why no job can run now, or undefined when one can (or soon will). */
  get unavailableReason(): string | undefined {
    return this.#unavailableError()?.message;
  }

  /** Jobs waiting for a session. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Stops every session and refuses new work. Waiting jobs are rejected. */
  async stop(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#respawnTimer);
    clearInterval(this.#keepAliveTimer);
    const error = new GatewayError('backend_unavailable', 'The gateway is shutting down.');
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    await Promise.all([...this.#sessions.values()].map((entry) => this.#stopSession(entry)));
  }

  #findReady(): PooledSession | undefined {
    for (const entry of this.#sessions.values()) {
      if (isAssignable(entry.status) && !entry.pinging) return entry;
    }
    return undefined;
  }

  #live(entry: PooledSession): boolean {
    return entry.status === 'starting' || entry.status === 'ready' || entry.status === 'busy' || entry.status === 'resetting';
  }

  #unavailableError(): GatewayError | undefined {
    const lastError = this.#restarts.lastError;
    if (lastError === undefined) return undefined;
    for (const entry of this.#sessions.values()) if (this.#live(entry)) return undefined;
    return new GatewayError('backend_unavailable', `The ${this.#backend.name} backend has no working session: ${lastError}`, {
      retryAfter: Math.max(1, Math.ceil(this.#restarts.delayMs() / 1000)),
    });
  }

  #apply(entry: PooledSession, event: SessionEvent): void {
    const next = transition(entry.status, event);
    if (next === null) {
      this.#log?.warn({ sessionId: entry.id, status: entry.status, event }, 'session event ignored in this status');
      return;
    }
    entry.status = next;
    if (next === 'stopped') this.#sessions.delete(entry.id);
    this.#onChange?.();
  }

  #spawn(overflow: boolean): void {
    const id = `${this.#backend.name}-${randomId(8)}`;
    const log = this.#log?.child({ sessionId: id });
    const session = this.#backend.createSession({ id, ...(log ? { log } : {}) });
    const entry: PooledSession = {
      id,
      session,
      status: 'starting',
      overflow,
      requests: 0,
      startedAt: new Date(),
      lastUsedAt: null,
      pinging: false,
      disposeExit: () => {},
    };
    entry.disposeExit = session.onExit((reason) => this.#onExit(entry, reason));
    this.#sessions.set(id, entry);
    this.#onChange?.();
    const deadline = timeoutSignal(this.#startTimeoutMs, () => new Error(`not ready within ${this.#startTimeoutMs} ms`));
    withTimeout(session.start(deadline.signal), this.#startTimeoutMs, `not ready within ${this.#startTimeoutMs} ms`)
      .then(
        () => this.#onStarted(entry),
        (error: unknown) => this.#onStartFailed(entry, error),
      )
      .finally(deadline.clear);
  }

  #onStarted(entry: PooledSession): void {
    if (entry.status !== 'starting') return;
    this.#apply(entry, 'session-ready');
    this.#restarts.recordStart();
    this.#pruneFailed(0);
    this.#log?.info({ sessionId: entry.id, pid: entry.session.pid, overflow: entry.overflow }, 'session ready');
    this.#offer(entry);
  }

  #onStartFailed(entry: PooledSession, error: unknown): void {
    if (entry.status !== 'starting') return;
    const message = error instanceof Error ? error.message : String(error);
    this.#log?.error({ sessionId: entry.id, error: message }, 'session failed to start');
    entry.error = message;
    this.#restarts.recordFailure(message);
    this.#apply(entry, 'start-failed');
    entry.disposeExit();
    void entry.session.stop().catch(() => {});
    this.#afterLoss();
  }

  #onExit(entry: PooledSession, reason: string): void {
    entry.disposeExit();
    if (entry.status === 'stopping' || entry.status === 'stopped' || entry.status === 'failed') {
      this.#apply(entry, 'session-exited');
      return;
    }
    this.#log?.warn({ sessionId: entry.id, status: entry.status, reason }, 'session exited unexpectedly');
    entry.error = `exited: ${reason}`;
    this.#restarts.recordFailure(entry.error);
    this.#apply(entry, 'session-exited');
    this.#afterLoss();
  }

  /** After a session is lost: fail waiters if nothing can serve them, then replace it. */
  #afterLoss(): void {
    this.#pruneFailed(this.#size);
    const unavailable = this.#unavailableError();
    if (unavailable) for (const waiter of this.#waiters.splice(0)) waiter.reject(unavailable);
    this.#ensureSize();
  }

  /** Keeps only the newest `keep` failed entries visible: enough to say why, not a growing list. */
  #pruneFailed(keep: number): void {
    const failed = [...this.#sessions.values()].filter((entry) => entry.status === 'failed');
    for (const entry of failed.slice(0, Math.max(0, failed.length - keep))) this.#sessions.delete(entry.id);
  }

  /** Starts warm sessions until there are `size` live ones; after failures, one at a time with backoff. */
  #ensureSize(): void {
    if (this.#closed || this.#respawnTimer) return;
    let live = 0;
    for (const entry of this.#sessions.values()) if (!entry.overflow && this.#live(entry)) live += 1;
    const missing = this.#size - live;
    if (missing <= 0) return;
    const delay = this.#restarts.delayMs();
    if (delay === 0) {
      for (let count = 0; count < missing; count++) this.#spawn(false);
      return;
    }
    this.#respawnTimer = setTimeout(() => {
      this.#respawnTimer = undefined;
      if (this.#closed) return;
      this.#spawn(false);
      this.#ensureSize();
    }, delay);
    this.#respawnTimer.unref?.();
  }

  /**
   * Whether one more waiter would have to wait for a busy session: no starting or resetting session
   * is left over for it and no overflow session may start.
   */
  #exhausted(): boolean {
    let coming = 0;
    let overflow = 0;
    for (const entry of this.#sessions.values()) {
      if (entry.status === 'starting' || entry.status === 'resetting') coming += 1;
      if (entry.overflow && this.#live(entry)) overflow += 1;
    }
    if (coming > this.#waiters.length) return false;
    return overflow >= this.#maxOverflow || !this.#restarts.healthy;
  }

  #startOverflowIfNeeded(): void {
    let coming = 0;
    let overflow = 0;
    for (const entry of this.#sessions.values()) {
      if (entry.status === 'starting' || entry.status === 'resetting') coming += 1;
      if (entry.overflow && this.#live(entry)) overflow += 1;
    }
    if (this.#waiters.length > coming && overflow < this.#maxOverflow && this.#restarts.healthy) {
      this.#log?.info({ waiting: this.#waiters.length }, 'every session is busy: starting an overflow session');
      this.#spawn(true);
    }
  }

  /** A session became ready: give it to the first waiter, or retire it if it is surplus overflow. */
  #offer(entry: PooledSession): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(this.#lease(entry));
      return;
    }
    if (entry.overflow) this.#recycle(entry, false);
  }

  #lease(entry: PooledSession): SessionLease {
    this.#apply(entry, 'job-assigned');
    return new PoolLease(entry, this.#onRelease);
  }

  // One function for every lease this pool hands out.
  readonly #onRelease = (entry: PooledSession, outcome: 'succeeded' | 'failed') => this.#release(entry, outcome);

  #release(entry: PooledSession, outcome: 'succeeded' | 'failed'): void {
    entry.requests += 1;
    entry.lastUsedAt = new Date();
    if (entry.status !== 'busy') return; // it died during the job; already handled
    if (outcome === 'failed') {
      this.#apply(entry, 'job-failed');
      this.#recycle(entry, true);
      return;
    }
    this.#restarts.recordSuccess();
    if (entry.requests >= this.#sessionMaxRequests) {
      this.#recycle(entry, true);
      return;
    }
    this.#apply(entry, 'job-succeeded');
    withTimeout(entry.session.reset(), this.#checkTimeoutMs, 'reset timed out').then(
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
    if (replace) this.#ensureSize();
    this.#startOverflowIfNeeded();
  }

  async #stopSession(entry: PooledSession): Promise<void> {
    if (entry.status === 'stopped') return;
    if (entry.status !== 'stopping') this.#apply(entry, 'stop-requested');
    entry.disposeExit();
    try {
      await withTimeout(entry.session.stop(), this.#checkTimeoutMs, 'stop timed out');
    } catch (error) {
      this.#log?.error({ sessionId: entry.id, error: String(error) }, 'session did not stop cleanly');
    }
    if (entry.status === 'stopping') this.#apply(entry, 'session-stopped');
    else this.#sessions.delete(entry.id);
    this.#onChange?.();
  }

  #keepAlive(): void {
    for (const entry of this.#sessions.values()) {
      if (entry.status !== 'ready' || entry.pinging) continue;
      entry.pinging = true;
      withTimeout(entry.session.ping(), this.#checkTimeoutMs, 'keep-alive ping timed out').then(
        () => {
          entry.pinging = false;
          this.#restarts.recordSuccess();
          if (entry.status === 'ready') this.#offer(entry);
        },
        (error: unknown) => {
          entry.pinging = false;
          if (entry.status !== 'ready') return;
          this.#log?.warn({ sessionId: entry.id, error: String(error) }, 'keep-alive failed: replacing the session');
          this.#apply(entry, 'ping-failed');
          this.#recycle(entry, true);
        },
      );
    }
  }
}

