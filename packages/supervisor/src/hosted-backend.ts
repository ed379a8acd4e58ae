import type { SessionInfo } from '@llm-gateway/shared';
import type { Backend } from '@llm-gateway/backends';
import type { Executor } from './run-job.ts';

/**
 * A backend as a supervisor hosts it, one interface whether requests run straight on it (api,
 * openai) or on a session pool it owns (cli, mock: {@link hostPooled}): the supervisor, the job
 * runner and the fallbacks see only these. `stream` is the plain {@link Backend} call; `execute`
 * is the job runner's, which also names the session and learns how the job ended.
 */
export interface HostedBackend extends Backend {
  /** Takes one request: on a session of the pool, or on the backend itself. */
  readonly execute: Executor;
  /** Starts the pool's sessions; returns at once. Nothing to start for a direct backend. */
  start(): void;
  /** The pool's sessions (none for a direct backend). */
  sessions(): SessionInfo[];
  /** Why no job can run now, or undefined when one can (or soon will). */
  readonly unavailableReason: string | undefined;
  /** Whether a job taken now can expect to run (`SessionPool.canServe`; always, directly). */
  readonly canServe: boolean;
  /** Jobs waiting for a session. */
  readonly waiting: number;
  /** Stops the sessions, or frees the upstream connections. */
  close(): Promise<void>;
}

/** Hosts a stateless backend: each request runs on it directly. */
export function hostDirect(backend: Backend, close: () => Promise<void> = async () => {}): HostedBackend {
  const stream = backend.stream.bind(backend);
  return {
    name: backend.name,
    models: () => backend.models(),
    ...(backend.check ? { check: backend.check.bind(backend) } : {}),
    stream,
    execute: async (request, signal, log, options) => {
      const refusal = backend.check?.(request);
      if (refusal) throw refusal;
      return { sessionId: null, parts: stream(request, { signal, log, stream: options?.stream }), done: () => {} };
    },
    start: () => {},
    sessions: () => [],
    unavailableReason: undefined,
    canServe: true,
    waiting: 0,
    close,
  };
}
