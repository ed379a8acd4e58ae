import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '@llm-gateway/shared';
import type { SessionPoolOptions } from './session-pool-options.ts';
import { SessionPool } from './session-pool.ts';
import { createFakeSessionBackend, type FakeSessionBackendOptions } from './fake-session-backend.ts';

const flush = () => vi.advanceTimersByTimeAsync(0);
const never = () => new AbortController().signal;
const FAIL_FAST = { failFastWhenExhausted: true };

function setup(options: Partial<SessionPoolOptions> = {}, backendOptions: FakeSessionBackendOptions = { autoStart: 'ok' }) {
  const backend = createFakeSessionBackend(backendOptions);
  const pool = new SessionPool({
    backend,
    size: 1,
    maxOverflow: 0,
    keepAliveIntervalMs: 0,
    startTimeoutMs: 5_000,
    checkTimeoutMs: 1_000,
    restartBackoff: { initialMs: 1_000, maxMs: 8_000 },
    ...options,
  });
  return { backend, pool };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** `acquire(signal, { failFastWhenExhausted })`: what routing uses when another backend can take the job. */
describe('SessionPool.acquire failing fast', () => {
  it('rejects with overloaded at once when every session is busy and overflow is at its bound', async () => {
    const { pool } = setup();
    pool.start();
    await flush();
    const lease = await pool.acquire(never(), FAIL_FAST);
    const refused = await pool.acquire(never(), FAIL_FAST).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: 'overloaded', retryable: true });
    expect(pool.waiting).toBe(0);
    // Without the option the same request waits for the busy session.
    const waiting = pool.acquire(never());
    expect(pool.waiting).toBe(1);
    lease.release('succeeded');
    await flush();
    (await waiting).release('succeeded');
    await pool.stop();
  });

  it('still starts an overflow session while overflow is below its bound', async () => {
    const { backend, pool } = setup({ maxOverflow: 1 });
    pool.start();
    await flush();
    const first = await pool.acquire(never(), FAIL_FAST);
    const second = await pool.acquire(never(), FAIL_FAST);
    expect(backend.sessions).toHaveLength(2);
    await expect(pool.acquire(never(), FAIL_FAST)).rejects.toMatchObject({ code: 'overloaded' });
    first.release('succeeded');
    second.release('succeeded');
    await pool.stop();
  });

  it('waits for a session that is starting or resetting rather than failing', async () => {
    const { backend, pool } = setup({}, {});
    pool.start();
    const starting = pool.acquire(never(), FAIL_FAST);
    expect(pool.waiting).toBe(1);
    // A second request has no session coming for it.
    await expect(pool.acquire(never(), FAIL_FAST)).rejects.toMatchObject({ code: 'overloaded' });
    backend.sessions[0]!.started.resolve();
    await flush();
    const lease = await starting;
    lease.release('succeeded'); // resetting now
    const afterReset = pool.acquire(never(), FAIL_FAST);
    await flush();
    (await afterReset).release('succeeded');
    await pool.stop();
  });
});
