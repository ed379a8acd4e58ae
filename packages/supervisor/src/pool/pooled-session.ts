import type { BackendSession, SessionBackend } from '@llm-gateway/backends';
import { randomId, type BackendName, type Logger, type SessionInfo } from '@llm-gateway/shared';
import type { SessionFinalStatus } from '../session/session-state.ts';

/** The pool's record of one session. */
export interface PooledSession {
  id: string;
  session: BackendSession;
  status: SessionFinalStatus;
  overflow: boolean;
  requests: number;
  startedAt: Date;
  lastUsedAt: Date | null;
  /** A keep-alive ping is in flight: not handed out until it answers. */
  pinging: boolean;
  error?: string;
  disposeExit: () => void;
}

/** The record of a session just created; `disposeExit` is set once the exit is listened for. */
function newPooledSession(id: string, session: BackendSession, overflow: boolean): PooledSession {
  return {
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
}

/**
 * A new session of `backend` and the pool's record of it, not started yet; `onExit` hears when it
 * ends by itself until `disposeExit`. Its log lines carry its id.
 */
export function createPooledSession(backend: SessionBackend, overflow: boolean, log: Logger | undefined, onExit: (reason: string) => void): PooledSession {
  const id = `${backend.name}-${randomId(8)}`;
  const sessionLog = log?.child({ sessionId: id });
  const entry = newPooledSession(id, backend.createSession({ id, ...(sessionLog ? { log: sessionLog } : {}) }), overflow);
  entry.disposeExit = entry.session.onExit(onExit);
  return entry;
}

/** A session as `GET /sessions` lists it. */
export function toSessionInfo(entry: PooledSession, backend: BackendName, supervisor: string): SessionInfo {
  const info: SessionInfo = {
    id: entry.id,
    status: entry.status === 'stopped' ? 'stopping' : entry.status,
    backend,
    pid: entry.session.pid,
    model: entry.session.model,
    requests: entry.requests,
    started_at: entry.startedAt.toISOString(),
    last_used_at: entry.lastUsedAt?.toISOString() ?? null,
    supervisor,
  };
  if (entry.overflow) info.overflow = true;
  if (entry.error !== undefined) info.error = entry.error;
  return info;
}

/** Every session still in the pool, as `GET /sessions` lists them. */
export function listSessionInfo(sessions: ReadonlyMap<string, PooledSession>, backend: BackendName, supervisor: string): SessionInfo[] {
  return [...sessions.values()]
    .filter((entry) => entry.status !== 'stopped')
    .map((entry) => toSessionInfo(entry, backend, supervisor));
}
