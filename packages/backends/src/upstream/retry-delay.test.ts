import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryDelayMs, waitUnlessAborted } from './retry-delay.ts';

describe('retryDelayMs', () => {
  const options = { baseDelayMs: 200, maxDelayMs: 1000, random: () => 1 };

  it('doubles per attempt up to the cap, with jitter below the step', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, undefined, options))).toEqual([200, 400, 800, 1000]);
    expect(retryDelayMs(0, undefined, { ...options, random: () => 0 })).toBe(150);
  });

  it("follows the upstream's retry-after only when it is within the cap", () => {
    expect(retryDelayMs(0, 1, options)).toBe(1000);
    expect(retryDelayMs(0, 30, options)).toBe(200);
  });
});

describe('waitUnlessAborted', () => {
  afterEach(() => void vi.useRealTimers());

  it('waits the delay, and gives up at once when aborted', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const waited = waitUnlessAborted(500, new AbortController().signal);
    const cancelled = waitUnlessAborted(500, controller.signal);
    controller.abort();
    expect(await cancelled).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(await waited).toBe(true);
    expect(await waitUnlessAborted(1, controller.signal)).toBe(false);
  });
});
