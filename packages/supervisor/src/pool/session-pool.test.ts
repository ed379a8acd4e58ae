import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '@llm-gateway/shared';
import type { ParkChange, SessionPoolOptions } from './session-pool-options.ts';
import { SessionPool } from './session-pool.ts';
import { createFakeSessionBackend, type FakeSessionBackendOptions } from './fake-session-backend.ts';

const flush = () => vi.advanceTimersByTimeAsync(0);
const never = () => new AbortController().signal;

function setup(options: Partial<SessionPoolOptions> = {}, backendOptions: FakeSessionBackendOptions = { autoStart: 'ok' }) {
  const backend = createFakeSessionBackend(backendOptions);
  const pool = new SessionPool({
    backend,
    size: 2,
    maxOverflow: 1,
    keepAliveIntervalMs: 0,
    sessionMaxRequests: 100,
    startTimeoutMs: 5_000,
    checkTimeoutMs: 1_000,
    restartBackoff: { initialMs: 1_000, maxMs: 8_000 },
    ...options,
  });
  const statuses = () => pool.sessions().map((session) => session.status);
  return { backend, pool, statuses };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionPool parked turns', () => {
  it("parks a session whose answer left tool calls waiting, hands it only to the follow-up with every result, then resets it", async () => {
    const { backend, pool, statuses } = setup({ size: 1, maxOverflow: 0, toolResultTimeoutMs: 60_000 });
    pool.start();
    await flush();
    const first = await pool.acquire(never());
    backend.sessions[0]!.parked = ['call_1', 'call_2'];
    first.release('succeeded');
    expect(statuses()).toEqual(['parked']);
    expect(backend.sessions[0]!.calls).not.toContain('reset');
    // Another conversation waits: the parked session is not its to take.
    const other = pool.acquire(never());
    await flush();
    expect(pool.claimParked(['call_1'])).toBeUndefined();
    expect(pool.claimParked(['call_9', 'call_1', 'call_2'])).toBeUndefined();
    const followUp = pool.claimParked(['call_1', 'call_2'])!;
    expect(followUp.session).toBe(first.session);
    expect(statuses()).toEqual(['busy']);
    backend.sessions[0]!.parked = [];
    followUp.release('succeeded');
    await flush();
    expect((await other).session).toBe(first.session);
    expect(backend.sessions[0]!.calls.filter((call) => call === 'reset')).toHaveLength(1);
    await pool.stop();
  });

  it('takes a parked session back when the results do not come within LLM_TOOL_RESULT_TIMEOUT', async () => {
    const { backend, pool, statuses } = setup({ size: 1, toolResultTimeoutMs: 60_000 });
    pool.start();
    await flush();
    const lease = await pool.acquire(never());
    backend.sessions[0]!.parked = ['call_1'];
    lease.release('succeeded');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(statuses()).toEqual(['parked']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(statuses()).toEqual(['ready']);
    expect(backend.sessions[0]!.calls).toContain('reset');
    expect(pool.claimParked(['call_1'])).toBeUndefined();
    await pool.stop();
  });

  it('parks nothing when the timeout is 0, and forgets a parked session that exits', async () => {
    const off = setup({ size: 1, toolResultTimeoutMs: 0 });
    off.pool.start();
    await flush();
    const lease = await off.pool.acquire(never());
    off.backend.sessions[0]!.parked = ['call_1'];
    lease.release('succeeded');
    expect(off.statuses()).toEqual(['resetting']);
    await off.pool.stop();

    const on = setup({ size: 1, toolResultTimeoutMs: 60_000 });
    on.pool.start();
    await flush();
    const parked = await on.pool.acquire(never());
    on.backend.sessions[0]!.parked = ['call_2'];
    parked.release('succeeded');
    on.backend.sessions[0]!.exit('killed');
    await flush();
    expect(on.pool.claimParked(['call_2'])).toBeUndefined();
    await on.pool.stop();
  });

  it('announces a turn about to park, and tells when it stops being parked: claimed, expired, gone, or never parked', async () => {
    const changes: ParkChange[] = [];
    const { backend, pool } = setup({ size: 1, maxOverflow: 0, toolResultTimeoutMs: 30_000, onParkChange: (change) => changes.push(change) });
    pool.start();
    await flush();
    const session = () => backend.sessions[0]!;
    // Claimed by its follow-up.
    let lease = await pool.acquire(never());
    session().parked = ['call_1'];
    pool.announceParking(lease.session);
    expect(changes).toEqual([{ kind: 'parked', callIds: ['call_1'], ttlMs: 30_000 }]);
    lease.release('succeeded');
    session().parked = [];
    pool.claimParked(['call_1'])!.release('succeeded');
    expect(changes.at(-1)).toEqual({ kind: 'released', callIds: ['call_1'] });
    await flush();
    // Expired.
    lease = await pool.acquire(never());
    session().parked = ['call_2'];
    pool.announceParking(lease.session);
    lease.release('succeeded');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(changes.at(-1)).toEqual({ kind: 'released', callIds: ['call_2'] });
    await flush();
    // Announced, then the job was cancelled: it never parks.
    lease = await pool.acquire(never());
    session().parked = ['call_3'];
    pool.announceParking(lease.session);
    lease.release('cancelled');
    expect(changes.at(-1)).toEqual({ kind: 'released', callIds: ['call_3'] });
    await flush();
    // Parked, then the session died.
    lease = await pool.acquire(never());
    session().parked = ['call_4'];
    lease.release('succeeded');
    session().exit('killed');
    expect(changes.at(-1)).toEqual({ kind: 'released', callIds: ['call_4'] });
    // Nothing is announced for an answer without parked calls, nor with parking off.
    const count = changes.length;
    const quiet = setup({ size: 1, toolResultTimeoutMs: 0, onParkChange: (change) => changes.push(change) });
    quiet.pool.start();
    await flush();
    const other = await quiet.pool.acquire(never());
    quiet.backend.sessions[0]!.parked = ['call_5'];
    quiet.pool.announceParking(other.session);
    expect(changes).toHaveLength(count);
    await quiet.pool.stop();
    await pool.stop();
  });
});

describe('SessionPool', () => {
  it('pre-warms LLM_POOL_SIZE sessions and serves only ready ones', async () => {
    const { backend, pool, statuses } = setup({}, {});
    pool.start();
    expect(backend.sessions).toHaveLength(2);
    expect(statuses()).toEqual(['starting', 'starting']);
    const lease = pool.acquire(never());
    backend.sessions[1]!.started.resolve();
    await flush();
    expect((await lease).session).toBe(backend.sessions[1]);
    expect(statuses()).toEqual(['starting', 'busy']);
    expect(backend.sessions).toHaveLength(2); // the request waited for a warm session: no overflow
    await pool.stop();
  });

  it('resets a session between requests and hands it out again', async () => {
    const { backend, pool, statuses } = setup({ size: 1 });
    pool.start();
    await flush();
    const first = await pool.acquire(never());
    first.release('succeeded');
    expect(statuses()).toEqual(['resetting']);
    await flush();
    expect(statuses()).toEqual(['ready']);
    const second = await pool.acquire(never());
    expect(second.session).toBe(first.session);
    expect(backend.sessions[0]!.calls).toEqual(['start', 'reset']);
    expect(pool.sessions()[0]).toMatchObject({ requests: 1, status: 'busy', pid: 1000 });
    await pool.stop();
  });

  it('recycles a session after a failed request and never hands it out again', async () => {
    const { backend, pool } = setup({ size: 1 });
    pool.start();
    await flush();
    const lease = await pool.acquire(never());
    lease.release('failed');
    await flush();
    expect(backend.sessions[0]!.stopped).toBe(true);
    expect(backend.sessions[0]!.calls).not.toContain('reset');
    const next = await pool.acquire(never());
    expect(next.session).toBe(backend.sessions[1]);
    await pool.stop();
  });

  it('resets a session whose job was cancelled, rather than paying a cold start for it', async () => {
    const { backend, pool, statuses } = setup({ size: 1 });
    pool.start();
    await flush();
    const cancelled = await pool.acquire(never());
    cancelled.release('cancelled');
    expect(statuses()).toEqual(['resetting']);
    await flush();
    expect(statuses()).toEqual(['ready']);
    expect((await pool.acquire(never())).session).toBe(cancelled.session);
    expect(backend.sessions).toHaveLength(1);
    expect(backend.sessions[0]!.calls).toEqual(['start', 'reset']);
    await pool.stop();
  });

  it('recycles a session whose reset fails or hangs', async () => {
    const { backend, pool } = setup({ size: 1 });
    pool.start();
    await flush();
    backend.sessions[0]!.resetBehavior = () => Promise.reject(new Error('history still there'));
    (await pool.acquire(never())).release('succeeded');
    await flush();
    expect(backend.sessions[0]!.stopped).toBe(true);
    expect(backend.sessions).toHaveLength(2);
    backend.sessions[1]!.resetBehavior = () => new Promise(() => {});
    (await pool.acquire(never())).release('succeeded');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.sessions[1]!.stopped).toBe(true);
    expect(backend.sessions).toHaveLength(3);
    // A cancelled job's session too (its interrupted turn may never end), within 2 s at most.
    backend.sessions[2]!.resetBehavior = () => new Promise(() => {});
    (await pool.acquire(never())).release('cancelled');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backend.sessions[2]!.stopped).toBe(true);
    expect(backend.sessions).toHaveLength(4);
    await pool.stop();
  });

  it('gives a cancelled job\'s session at most 2 s to end its turn and reset, whatever the check timeout', async () => {
    const { backend, pool } = setup({ size: 1, checkTimeoutMs: 10_000 });
    pool.start();
    await flush();
    backend.sessions[0]!.resetBehavior = () => new Promise(() => {});
    (await pool.acquire(never())).release('cancelled');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(backend.sessions[0]!.stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(backend.sessions[0]!.stopped).toBe(true);
    await pool.stop();
  });

  it('recycles a session after LLM_SESSION_MAX_REQUESTS requests', async () => {
    const { backend, pool } = setup({ size: 1, sessionMaxRequests: 2 });
    pool.start();
    await flush();
    for (let request = 0; request < 2; request++) {
      (await pool.acquire(never())).release('succeeded');
      await flush();
    }
    expect(backend.sessions[0]!.calls).toEqual(['start', 'reset', 'stop']);
    expect((await pool.acquire(never())).session).toBe(backend.sessions[1]);
    await pool.stop();
  });

  it('pings idle sessions every keep-alive interval, not busy ones, and replaces one that fails', async () => {
    const { backend, pool } = setup({ keepAliveIntervalMs: 300_000 });
    pool.start();
    await flush();
    const busy = await pool.acquire(never());
    await vi.advanceTimersByTimeAsync(300_000);
    const idle = backend.sessions.find((session) => session !== busy.session)!;
    expect(idle.calls).toEqual(['start', 'ping']);
    expect(backend.sessions.find((session) => session === busy.session)!.calls).toEqual(['start']);
    idle.pingBehavior = () => new Promise(() => {}); // stops answering
    await vi.advanceTimersByTimeAsync(300_000 + 1_000);
    expect(idle.stopped).toBe(true);
    expect(backend.sessions).toHaveLength(3);
    expect(pool.sessions().filter((session) => session.status === 'ready')).toHaveLength(1);
    busy.release('succeeded');
    await pool.stop();
  });

  it('replaces a session that exits, at once the first time, and a waiting request gets the replacement', async () => {
    const { backend, pool } = setup({ size: 1 }, {});
    pool.start();
    backend.sessions[0]!.started.resolve();
    await flush();
    const busy = await pool.acquire(never());
    const waiting = pool.acquire(never());
    await flush();
    expect(backend.sessions).toHaveLength(2); // one overflow session for the waiting request
    backend.sessions[0]!.exit('killed');
    await flush();
    expect(backend.sessions).toHaveLength(3); // the replacement, with no backoff
    busy.release('failed'); // the job noticed too: no double handling
    backend.sessions[2]!.started.resolve();
    await flush();
    expect((await waiting).session).toBe(backend.sessions[2]);
    expect(pool.unavailableReason).toBeUndefined();
    await pool.stop();
  });

  it('backs off when sessions cannot start, reports why, and fails requests fast', async () => {
    const { backend, pool } = setup({}, { autoStart: { fail: 'The Claude Code CLI was not found: set LLM_CLI_COMMAND' } });
    pool.start();
    await flush();
    expect(pool.unavailableReason).toContain('CLI was not found');
    const error = await pool.acquire(never()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'backend_unavailable', status: 503 });
    expect((error as GatewayError).retryAfter).toBeGreaterThanOrEqual(1);
    const sessions = pool.sessions();
    expect(sessions.length).toBeLessThanOrEqual(2);
    expect(sessions.every((session) => session.status === 'failed' && session.error?.includes('CLI was not found'))).toBe(true);
    // A minute of failures: delays double up to the cap, so a handful of attempts, not thousands.
    const before = backend.sessions.length;
    await vi.advanceTimersByTimeAsync(60_000);
    const attempts = backend.sessions.length - before;
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(attempts).toBeLessThanOrEqual(10);
    expect(backend.sessions.every((session) => session.stopped)).toBe(true);
    await pool.stop();
  });

  it('says whether a job taken now can expect a session: while warming, not after failed starts, again once one starts', async () => {
    const { backend, pool } = setup({ size: 1 }, {});
    pool.start();
    expect(pool.canServe).toBe(true); // warming up: a job waits for the first session
    backend.sessions[0]!.started.reject(new Error('not logged in'));
    await flush();
    expect(pool.canServe).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000); // the backoff, then a new try
    expect(pool.canServe).toBe(false); // starting is not started
    backend.sessions.at(-1)!.started.resolve();
    await flush();
    expect(pool.canServe).toBe(true);
    await pool.stop();
    expect(pool.canServe).toBe(false);
  });

  it('recovers once the backend can start again', async () => {
    const { backend, pool } = setup({ size: 1, restartBackoff: { initialMs: 1_000, maxMs: 1_000 } }, {});
    pool.start();
    backend.sessions[0]!.started.reject(new Error('not logged in'));
    await flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.sessions).toHaveLength(2); // first failure: retried at once
    backend.sessions[1]!.started.reject(new Error('not logged in'));
    await flush();
    expect(pool.unavailableReason).toContain('not logged in');
    await vi.advanceTimersByTimeAsync(1_000);
    backend.sessions[2]!.started.resolve();
    await flush();
    expect(pool.unavailableReason).toBeUndefined();
    expect(pool.sessions().map((session) => session.status)).toEqual(['ready']);
    await pool.stop();
  });

  it('gives up on a session that is not ready within the start timeout', async () => {
    const { backend, pool } = setup({ size: 1 }, {});
    pool.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backend.sessions[0]!.startSignal?.aborted).toBe(true);
    expect(backend.sessions[0]!.stopped).toBe(true);
    expect(pool.sessions()[0]).toMatchObject({ status: 'failed', error: 'not ready within 5000 ms' });
    await pool.stop();
  });

  it('starts cold overflow sessions when every warm one is busy, bounded by LLM_MAX_OVERFLOW', async () => {
    const { backend, pool } = setup({ size: 1, maxOverflow: 1 }, {});
    pool.start();
    backend.sessions[0]!.started.resolve();
    await flush();
    const warm = await pool.acquire(never());
    const second = pool.acquire(never());
    const third = pool.acquire(never());
    await flush();
    expect(backend.sessions).toHaveLength(2);
    expect(pool.waiting).toBe(2);
    expect(pool.sessions()[1]).toMatchObject({ overflow: true, status: 'starting' });
    backend.sessions[1]!.started.resolve();
    await flush();
    const overflow = await second;
    expect(overflow.session).toBe(backend.sessions[1]);
    warm.release('succeeded');
    await flush();
    expect((await third).session).toBe(backend.sessions[0]);
    // With nobody waiting, the overflow session goes away after its request.
    overflow.release('succeeded');
    await flush();
    expect(backend.sessions[1]!.stopped).toBe(true);
    expect(pool.sessions()).toHaveLength(1);
    await pool.stop();
  });

  it('bounds the wait for a session by the request signal', async () => {
    const { pool } = setup({ size: 1, maxOverflow: 0 });
    pool.start();
    await flush();
    const busy = await pool.acquire(never());
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal).catch((error: unknown) => error);
    expect(pool.waiting).toBe(1);
    const reason = new GatewayError('timeout', 'The request did not finish within its timeout.');
    setTimeout(() => controller.abort(reason), 60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await waiting).toBe(reason);
    expect(pool.waiting).toBe(0);
    busy.release('succeeded');
    await pool.stop();
  });

  it('stops every session, rejects waiters and starts nothing after stop', async () => {
    const { backend, pool } = setup({ size: 1, maxOverflow: 0 });
    pool.start();
    await flush();
    await pool.acquire(never());
    const waiting = pool.acquire(never());
    await pool.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'backend_unavailable' });
    backend.sessions[0]!.exit('late exit');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(backend.sessions).toHaveLength(1);
    expect(backend.sessions[0]!.stopped).toBe(true);
    await expect(pool.acquire(never())).rejects.toMatchObject({ code: 'backend_unavailable' });
  });
});
