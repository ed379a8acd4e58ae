import { describe, expect, it } from 'vitest';
import { isAssignable, transition, type SessionEvent, type SessionFinalStatus } from './session-state.ts';

function run(events: SessionEvent[], from: SessionFinalStatus = 'starting'): SessionFinalStatus | null {
  let status: SessionFinalStatus | null = from;
  for (const event of events) {
    if (status === null) return null;
    status = transition(status, event);
  }
  return status;
}

describe('session state machine', () => {
  it('serves, resets and serves again', () => {
    expect(run(['session-ready', 'job-assigned', 'job-succeeded', 'reset-succeeded'])).toBe('ready');
    expect(run(['session-ready', 'job-assigned', 'job-succeeded', 'reset-succeeded', 'job-assigned'])).toBe('busy');
    // A cancelled job's session is reset like a finished one's (the reset proves it clean) ...
    expect(run(['session-ready', 'job-assigned', 'job-cancelled', 'reset-succeeded'])).toBe('ready');
    // ... and stopped if the reset fails.
    expect(run(['session-ready', 'job-assigned', 'job-cancelled', 'reset-failed'])).toBe('stopping');
  });

  it('never reuses a session after a failed job or a failed reset', () => {
    expect(run(['session-ready', 'job-assigned', 'job-failed'])).toBe('stopping');
    expect(run(['session-ready', 'job-assigned', 'job-succeeded', 'reset-failed'])).toBe('stopping');
    expect(run(['session-ready', 'job-assigned', 'job-failed', 'session-stopped'])).toBe('stopped');
  });

  it('marks a session that dies in any live state as failed', () => {
    for (const from of ['starting', 'ready', 'busy', 'resetting'] as const) {
      expect(transition(from, 'session-exited')).toBe('failed');
    }
    expect(transition('stopping', 'session-exited')).toBe('stopped');
  });

  it('never makes a session that failed to start assignable', () => {
    const status = run(['start-failed']);
    expect(status).toBe('failed');
    expect(transition('failed', 'session-ready')).toBeNull();
    expect(transition('failed', 'job-assigned')).toBeNull();
  });

  it('refuses events that make no sense', () => {
    expect(transition('starting', 'job-assigned')).toBeNull();
    expect(transition('ready', 'job-succeeded')).toBeNull();
    expect(transition('stopped', 'session-ready')).toBeNull();
    expect(transition('busy', 'job-assigned')).toBeNull();
  });

  it('only hands jobs to ready sessions', () => {
    const statuses: SessionFinalStatus[] = ['starting', 'ready', 'busy', 'parked', 'resetting', 'stopping', 'failed', 'stopped'];
    expect(statuses.filter(isAssignable)).toEqual(['ready']);
  });

  it('never brings a stopping, failed or stopped session back to life, whatever happens', () => {
    const events: SessionEvent[] = [
      'session-ready', 'start-failed', 'job-assigned', 'job-succeeded', 'job-cancelled', 'job-failed', 'reset-succeeded',
      'reset-failed', 'ping-failed', 'session-exited', 'stop-requested', 'session-stopped', 'job-parked', 'park-claimed', 'park-expired',
    ];
    const gone: SessionFinalStatus[] = ['stopping', 'failed', 'stopped'];
    for (const from of gone) {
      for (const event of events) {
        const next = transition(from, event);
        if (next !== null) expect(gone).toContain(next);
      }
    }
  });

  it('lets a ping failure or a stop request take a ready session out of service', () => {
    expect(transition('ready', 'ping-failed')).toBe('stopping');
    for (const from of ['starting', 'ready', 'busy', 'parked', 'resetting'] as const) expect(transition(from, 'stop-requested')).toBe('stopping');
  });

  it('parks a busy session whose turn waits for tool results, and takes it back for the follow-up or resets it when they do not come', () => {
    expect(transition('busy', 'job-parked')).toBe('parked');
    expect(transition('parked', 'park-claimed')).toBe('busy');
    expect(transition('parked', 'park-expired')).toBe('resetting');
    expect(transition('parked', 'session-exited')).toBe('failed');
    expect(transition('parked', 'job-assigned')).toBeNull();
    expect(transition('ready', 'job-parked')).toBeNull();
  });
});
