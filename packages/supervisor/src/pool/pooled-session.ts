import type { BackendSession } from '@llm-gateway/backends';
import type { BackendName, SessionInfo } from '@llm-gateway/shared';
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

/** The record of a session just created; the pool sets `disposeExit` once it listens for the exit. */
export function newPooledSession(id: string, session: BackendSession, overflow: boolean): PooledSession {
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
