import type { BackendSession, SessionBackend } from '@llm-gateway/backends';
import type { StreamPart } from '@llm-gateway/shared';

/** A promise settled from outside. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** One fake session: every call is recorded, and the test decides how each ends. */
export interface FakeSession extends BackendSession {
  readonly index: number;
  readonly calls: string[];
  /** Settles `start()`. */
  readonly started: Deferred;
  /** The signal `start()` was given. */
  startSignal: AbortSignal | undefined;
  /** How `reset()` and `ping()` answer; a function runs per call. */
  resetBehavior: () => Promise<void>;
  pingBehavior: () => Promise<void>;
  /** Makes the session die by itself. */
  exit(reason: string): void;
  /** The tool calls its last answer left parked (what `parkedCalls()` reports). */
  parked: string[];
  stopped: boolean;
}

export interface FakeSessionBackendOptions {
  /** Settles start at once: `ok`, or a rejection with this message. @defaultValue manual */
  autoStart?: 'ok' | { fail: string };
}

/**
 * A {@link SessionBackend} of fake sessions for pool tests: no process, no timers of its own, so
 * vitest's fake timers drive everything the pool does.
 */
export function createFakeSessionBackend(options: FakeSessionBackendOptions = {}): SessionBackend & { sessions: FakeSession[] } {
  const sessions: FakeSession[] = [];
  return {
    name: 'mock',
    sessions,
    models: () => ['fake'],
    createSession: () => {
      const session = createFakeSession(sessions.length);
      if (options.autoStart === 'ok') session.started.resolve();
      else if (options.autoStart) session.started.reject(new Error(options.autoStart.fail));
      // A start that nobody awaits yet must not be reported as an unhandled rejection.
      session.started.promise.catch(() => {});
      sessions.push(session);
      return session;
    },
  };
}

function createFakeSession(index: number): FakeSession {
  const listeners = new Set<(reason: string) => void>();
  const session: FakeSession = {
    index,
    calls: [],
    started: deferred(),
    startSignal: undefined,
    resetBehavior: async () => {},
    pingBehavior: async () => {},
    stopped: false,
    parked: [],
    parkedCalls: () => session.parked,
    pid: 1000 + index,
    model: null,
    start(signal) {
      session.calls.push('start');
      session.startSignal = signal;
      return session.started.promise;
    },
    async *run(): AsyncGenerator<StreamPart> {
      session.calls.push('run');
      yield { type: 'text-delta', text: 'hi' };
      yield { type: 'finish', finishReason: 'stop' };
    },
    reset() {
      session.calls.push('reset');
      session.parked = [];
      return session.resetBehavior();
    },
    ping() {
      session.calls.push('ping');
      return session.pingBehavior();
    },
    async stop() {
      session.calls.push('stop');
      session.stopped = true;
    },
    onExit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exit(reason) {
      for (const listener of [...listeners]) listener(reason);
      listeners.clear();
    },
  };
  return session;
}
