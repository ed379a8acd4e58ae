import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SupervisorRecord } from '@llm-gateway/shared/redis';
import { SupervisorWatch } from './supervisor-watch.ts';

const record = (id: string, accepting: boolean, reason?: string): SupervisorRecord => ({
  id,
  backend: 'cli',
  backends: ['cli'],
  pool: [{ backend: 'cli', size: 2, maxOverflow: 0 }],
  version: '0.1.0',
  host: 'h',
  pid: 1,
  startedAt: 0,
  heartbeatAt: '',
  ok: accepting,
  ...(reason ? { reason } : {}),
  running: 0,
  accepting,
  concurrency: 2,
  sessions: [],
});

describe('SupervisorWatch', () => {
  let watch: SupervisorWatch | undefined;
  afterEach(() => watch?.stop());

  it('refuses only when supervisors are alive and none takes jobs, naming their reasons', async () => {
    let records: SupervisorRecord[] = [];
    watch = new SupervisorWatch({ read: async () => records, sampleIntervalMs: 60_000 });
    expect(watch.refusal).toBeUndefined(); // before the first sample
    await watch.sample();
    expect(watch.refusal).toBeUndefined(); // none alive: requests wait for one
    records = [record('sup-1', false, 'The cli backend has no working session: not logged in.'), record('sup-2', false)];
    await watch.sample();
    expect(watch.refusal).toBe('No supervisor can take jobs now (sup-1: The cli backend has no working session: not logged in.; sup-2: not taking jobs).');
    records = [record('sup-1', false), record('sup-3', true)];
    await watch.sample();
    expect(watch.refusal).toBeUndefined();
  });

  it('keeps its last answer when a read fails', async () => {
    let fail = false;
    watch = new SupervisorWatch({
      read: async () => {
        if (fail) throw new Error('redis gone');
        return [record('sup-1', false)];
      },
      sampleIntervalMs: 60_000,
    });
    await watch.sample();
    fail = true;
    await watch.sample();
    expect(watch.refusal).toMatch(/sup-1: not taking jobs/);
  });

  it('refuses once no supervisor has been alive for the grace, sampling again as it runs out, and forgets it when one comes', async () => {
    vi.useFakeTimers();
    try {
      let records: SupervisorRecord[] = [];
      let samples = 0;
      watch = new SupervisorWatch({ read: async () => records, sampleIntervalMs: 60_000, noSupervisorGraceMs: 5_000, onSample: () => (samples += 1) });
      await watch.sample();
      expect(watch.graceOver).toBe(false);
      expect(watch.refusal).toBeUndefined();
      expect(watch.isAlive('sup-1')).toBe(false);
      await vi.advanceTimersByTimeAsync(4_900);
      expect(watch.refusal).toBeUndefined();
      await vi.advanceTimersByTimeAsync(200);
      // The grace timer sampled again (the interval is a minute here).
      expect(samples).toBe(2);
      expect(watch.graceOver).toBe(true);
      expect(watch.refusal).toMatch(/^No supervisor is alive \(none for 5(\.\d)? s\)/);
      records = [record('sup-1', true)];
      await watch.sample();
      expect(watch.graceOver).toBe(false);
      expect(watch.refusal).toBeUndefined();
      expect(watch.isAlive('sup-1')).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
