import { describe, expect, it } from 'vitest';
import { RecentActivity } from './recent-activity.ts';

const base = { model: 'claude-sonnet', requestId: 'r' };

describe('RecentActivity', () => {
  it('computes rate and percentiles over the window only', () => {
    const activity = new RecentActivity({ windowSeconds: 60 });
    const now = 1_000_000;
    activity.record({ ...base, at: now - 120_000, latencyMs: 9_999, status: 200 });
    for (let index = 1; index <= 60; index++) activity.record({ ...base, at: now - index * 500, latencyMs: index, status: 200 });
    const summary = activity.summary(now);
    expect(summary.requestsPerSecond).toBeCloseTo(1, 5);
    expect(summary.latencyMs.p50).toBe(31);
    expect(summary.latencyMs.p99).toBe(60);
  });

  it('keeps the newest errors apart: the gateway\'s, the client\'s, not disconnects', () => {
    const activity = new RecentActivity({ errorCapacity: 2 });
    activity.record({ ...base, at: 1, latencyMs: 1, status: 502, errorCode: 'upstream_error' });
    activity.record({ ...base, at: 2, latencyMs: 1, status: 499, errorCode: 'client_closed' });
    activity.record({ ...base, at: 3, latencyMs: 1, status: 504, errorCode: 'timeout' });
    activity.record({ ...base, at: 4, latencyMs: 1, status: 429, errorCode: 'queue_full' });
    activity.record({ ...base, at: 5, latencyMs: 1, status: 503, errorCode: 'overloaded' });
    activity.record({ ...base, at: 6, latencyMs: 1, status: 400, errorCode: 'invalid_type', errorMessage: 'x'.repeat(1000) });
    const summary = activity.summary(7);
    // A full queue is a 429, but the gateway's capacity, not the client's doing.
    expect(summary.serverErrors.map((error) => error.errorCode)).toEqual(['overloaded', 'queue_full']);
    expect(summary.clientErrors.map((error) => error.errorCode)).toEqual(['invalid_type']);
    expect(summary.clientErrors[0]!.errorMessage).toHaveLength(301);
    expect(summary.outcomes).toEqual({ answered: 0, clientErrors: 1, serverErrors: 4, cancelled: 1 });
  });

  it('gives latency with its sample count, and apart for the answered requests', () => {
    const activity = new RecentActivity();
    activity.record({ ...base, at: 1_000, latencyMs: 60_002, status: 504, errorCode: 'timeout' });
    let summary = activity.summary(2_000);
    expect(summary.latencyMs).toEqual({ samples: 1, p50: 60_002, p95: 60_002, p99: 60_002 });
    expect(summary.answeredLatencyMs).toEqual({ samples: 0, p50: null, p95: null, p99: null });
    activity.record({ ...base, at: 1_500, latencyMs: 400, status: 200 });
    summary = activity.summary(2_000);
    expect(summary.answeredLatencyMs).toEqual({ samples: 1, p50: 400, p95: 400, p99: 400 });
  });

  it('reports no latency without traffic', () => {
    expect(new RecentActivity().summary().latencyMs.p50).toBeNull();
  });

  it('measures the rate over what a full ring holds', () => {
    const activity = new RecentActivity({ capacity: 10, windowSeconds: 60 });
    for (let index = 0; index < 20; index++) activity.record({ ...base, at: 10_000 + index * 100, latencyMs: 1, status: 200 });
    // The ring holds the last 10 (11_000 … 11_900): 10 completions in the 1 s up to "now".
    expect(activity.summary(12_000).requestsPerSecond).toBeCloseTo(10, 5);
  });
});
