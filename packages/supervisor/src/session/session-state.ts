import type { SessionStatus } from '@llm-gateway/shared';

/**
 * What can happen to a pooled session. The pool feeds these to {@link transition}; the state
 * machine is pure so every path can be tested without a process.
 */
export type SessionEvent =
  | 'session-ready' // started, or answered its initialize request
  | 'start-failed'
  | 'job-assigned'
  | 'job-succeeded' // the answer finished cleanly: reset before reuse
  | 'job-cancelled' // stopped from outside (client gone, deadline) with the session still sound: interrupt, then reset
  | 'job-failed' // the backend failed: never reuse, recycle
  | 'job-parked' // the answer ended in tool calls whose turn waits for the client's results
  | 'park-claimed' // the follow-up with those results came: the same session goes on with the turn
  | 'park-expired' // the results did not come in time: interrupt the turn, then reset
  | 'reset-succeeded'
  | 'reset-failed'
  | 'ping-failed'
  | 'session-exited'
  | 'stop-requested' // recycle, drain or shut down
  | 'session-stopped';

/** Where a session ends up once it is gone from the pool. */
export type SessionFinalStatus = SessionStatus | 'stopped';

const TRANSITIONS: Record<SessionFinalStatus, Partial<Record<SessionEvent, SessionFinalStatus>>> = {
  starting: {
    'session-ready': 'ready',
    'start-failed': 'failed',
    'session-exited': 'failed',
    'stop-requested': 'stopping',
  },
  ready: {
    'job-assigned': 'busy',
    'ping-failed': 'stopping',
    'session-exited': 'failed',
    'stop-requested': 'stopping',
  },
  busy: {
    'job-parked': 'parked',
    'job-succeeded': 'resetting',
    'job-cancelled': 'resetting',
    'job-failed': 'stopping',
    'session-exited': 'failed',
    'stop-requested': 'stopping',
  },
  parked: {
    'park-claimed': 'busy',
    'park-expired': 'resetting',
    'session-exited': 'failed',
    'stop-requested': 'stopping',
  },
  resetting: {
    'reset-succeeded': 'ready',
    'reset-failed': 'stopping',
    'session-exited': 'failed',
    'stop-requested': 'stopping',
  },
  stopping: {
    'session-stopped': 'stopped',
    'session-exited': 'stopped',
  },
  failed: {
    'stop-requested': 'stopping',
    'session-stopped': 'stopped',
    'session-exited': 'failed',
  },
  stopped: {},
};

/**
 * The next status of a session after `event`, or `null` when the event is not allowed in that
 * status (the pool treats that as a bug and recycles the session).
 */
export function transition(status: SessionFinalStatus, event: SessionEvent): SessionFinalStatus | null {
  return TRANSITIONS[status][event] ?? null;
}

/** Whether a session in this status may be handed a job. */
export function isAssignable(status: SessionFinalStatus): boolean {
  return status === 'ready';
}
