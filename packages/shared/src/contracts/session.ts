import type { BackendName } from './job.ts';

/**
 * The life of a pooled session; see the supervisor's session state machine. `parked`: its turn
 * waits for the client's tool results, leased to that conversation until they come or time out.
 */
export const SESSION_STATUSES = ['starting', 'ready', 'busy', 'parked', 'resetting', 'stopping', 'failed'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** One session as `GET /sessions` shows it. Snake case: it is API output. */
export interface SessionInfo {
  id: string;
  status: SessionStatus;
  backend: BackendName;
  /** The OS process id, where the session is a process. */
  pid: number | null;
  model: string | null;
  /** Requests served so far. */
  requests: number;
  started_at: string;
  last_used_at: string | null;
  supervisor: string;
  /** Set on an overflow (cold) session, started because every warm one was busy. */
  overflow?: boolean;
  /** Why the session failed, when it did. */
  error?: string;
}

/** Counts of sessions by status. */
export type PoolSummary = Record<SessionStatus, number> & { total: number };

export function summarizeSessions(sessions: readonly SessionInfo[]): PoolSummary {
  const summary: PoolSummary = { total: 0, starting: 0, ready: 0, busy: 0, parked: 0, resetting: 0, stopping: 0, failed: 0 };
  for (const session of sessions) {
    summary[session.status] += 1;
    summary.total += 1;
  }
  return summary;
}
